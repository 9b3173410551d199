/** The login form: a token (reader, operator or admin) becomes a session cookie. */
import { renderPage } from './layout.js';

export function loginPage(csrf: string, problem: string | null): string {
  return renderPage({
    title: 'Log in',
    viewer: null,
    children: (
      <form method="post" action="/login" class="card login">
        <p>
          Paste an API token (from <code>avma token create</code>). The dashboard keeps it on the server; your
          browser gets a session cookie.
        </p>
        {problem === null ? null : (
          <p class="problem" role="alert">
            {problem}
          </p>
        )}
        <input type="hidden" name="csrf" value={csrf} />
        <label for="token">Token</label>
        <input id="token" name="token" type="password" autocomplete="off" required maxLength={512} />
        <button type="submit">Log in</button>
      </form>
    ),
  });
}
