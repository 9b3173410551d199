/**
 * The part of the month report an operator sends: the reseller lines (period, product, SKU, quantity of
 * 2-core licences, adding up to the host rows) and the warnings to check before sending them.
 */
import type { UsageMonth } from '../../usage/index.js';
import { Table } from './parts.js';

export function ResellerLines({ report }: { report: UsageMonth }) {
  // Months closed before the reseller table existed have none: say so rather than show an empty table.
  if (report.reseller === undefined) {
    return <p>This month was closed before the report had reseller lines; the host rows are its figures.</p>;
  }
  return (
    <>
      <Table caption="Reseller lines (2-core licences)">
        <thead>
          <tr>
            <th scope="col">Period</th>
            <th scope="col">Product</th>
            <th scope="col">SKU</th>
            <th scope="col">Quantity</th>
          </tr>
        </thead>
        <tbody>
          {report.reseller.map((line) => (
            <tr>
              <td>{line.period}</td>
              <th scope="row">{line.product}</th>
              <td>{line.sku ?? 'not mapped (spla.skus)'}</td>
              <td>{line.quantity}</td>
            </tr>
          ))}
        </tbody>
      </Table>
      {report.warnings === undefined || report.warnings.length === 0 ? null : (
        <section aria-labelledby="warnings-title">
          <h2 id="warnings-title">Check before sending</h2>
          <ul>
            {report.warnings.map((warning) => (
              <li>{warning}</li>
            ))}
          </ul>
        </section>
      )}
    </>
  );
}
