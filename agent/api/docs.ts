/**
 * `/api/docs`: the OpenAPI document rendered by Swagger UI, served from the installed swagger-ui-dist
 * package (no CDN). The page and its start script are our own files, so the strict Content-Security-
 * Policy (scripts from this origin only) holds; the UI reads the document from `/api/docs/openapi.json`,
 * which needs no token (it describes the API and holds no data), and calls the API with the token the
 * operator enters under "Authorize".
 */
import { createRequire } from 'node:module';
import express from 'express';

const require = createRequire(import.meta.url);
const SWAGGER_UI_DIR: string = (
  require('swagger-ui-dist') as { getAbsoluteFSPath(): string }
).getAbsoluteFSPath();

const PAGE = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>avma-agent API</title>
<link rel="stylesheet" href="/api/docs/assets/swagger-ui.css">
</head>
<body>
<main id="swagger-ui"></main>
<script src="/api/docs/assets/swagger-ui-bundle.js"></script>
<script src="/api/docs/start.js"></script>
</body>
</html>
`;

const START = `window.ui = SwaggerUIBundle({ url: '/api/docs/openapi.json', dom_id: '#swagger-ui', deepLinking: true });\n`;

export function mountDocs(app: express.Express, document: object): void {
  app.get('/api/docs', (_req, res) => {
    res.type('html').send(PAGE);
  });
  app.get('/api/docs/start.js', (_req, res) => {
    res.type('application/javascript').send(START);
  });
  app.get('/api/docs/openapi.json', (_req, res) => {
    res.json(document);
  });
  app.use('/api/docs/assets', express.static(SWAGGER_UI_DIR, { index: false, fallthrough: false }));
}
