/**
 * The page shell: title, navigation, the logged-in user with the logout form, and the main landmark.
 * Every value is rendered by preact, which escapes text and attributes; there is no inline script or
 * style anywhere (the CSP forbids both), only /assets/ files served by the agent.
 */
import type { ComponentChildren } from 'preact';
import { renderToString } from 'preact-render-to-string';
import { plainUntrustedText, untrustedText } from './parts.js';

export interface Viewer {
  readonly name: string;
  readonly role: 'reader' | 'operator' | 'admin';
  readonly csrf: string;
}

const NAV = [
  ['/', 'Fleet'],
  ['/vms', 'VMs'],
  ['/events', 'Events'],
  ['/months', 'Month report'],
] as const;

export function CsrfField({ csrf }: { csrf: string }) {
  return <input type="hidden" name="csrf" value={csrf} />;
}

interface PageProps {
  readonly title: string;
  readonly viewer: Viewer | null;
  readonly active?: string;
  readonly scripts?: readonly string[];
  readonly styles?: readonly string[];
  readonly children: ComponentChildren;
}

function Page({ title, viewer, active, scripts = [], styles = [], children }: PageProps) {
  return (
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>{`${plainUntrustedText(title)} · AVMA agent`}</title>
        {styles.map((href) => (
          <link rel="stylesheet" href={href} />
        ))}
        <link rel="stylesheet" href="/assets/dashboard.css" />
        {scripts.map((src) => (
          <script src={src} defer />
        ))}
      </head>
      <body>
        <a class="skip" href="#main">
          Skip to content
        </a>
        <header class="top">
          <span class="brand">AVMA agent</span>
          {viewer === null ? null : (
            <nav aria-label="Main">
              <ul>
                {NAV.map(([href, label]) => (
                  <li>
                    <a href={href} aria-current={active === href ? 'page' : undefined}>
                      {label}
                    </a>
                  </li>
                ))}
              </ul>
            </nav>
          )}
          {viewer === null ? null : (
            <form method="post" action="/logout" class="logout">
              <span>
                {viewer.name} ({viewer.role})
              </span>
              <CsrfField csrf={viewer.csrf} />
              <button type="submit">Log out</button>
            </form>
          )}
        </header>
        <main id="main">
          <h1>{untrustedText(title)}</h1>
          {children}
        </main>
      </body>
    </html>
  );
}

/** A whole HTML document. */
export function renderPage(props: PageProps): string {
  return `<!DOCTYPE html>${renderToString(<Page {...props} />)}`;
}
