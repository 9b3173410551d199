import { describe, expect, it } from 'vitest';
import { fillPlaceholder, joinScriptLines } from '../../../../agent/driver/powershell/one-line.js';

describe('agent/driver/powershell/one-line', () => {
  it('joins lines with one space, dropping blank and comment lines and indentation', () => {
    const source =
      '# header\r\n& {\r\n    $a = 1;\r\n\r\n    # why\r\n    if ($a) {\n        $b = 2;\n    }\n}\n';
    expect(joinScriptLines(source)).toBe('& { $a = 1; if ($a) { $b = 2; } }');
  });

  it("fills a placeholder literally, even with $&, $' and $` in the value", () => {
    expect(fillPlaceholder("x = '__P__'; y = '__P__'", '__P__', "$&$'$`$1")).toBe(
      "x = '$&$'$`$1'; y = '$&$'$`$1'",
    );
  });
});
