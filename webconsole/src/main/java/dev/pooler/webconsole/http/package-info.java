/**
 * The HTTP API under {@code /pooler} (Servlet Whiteboard): {@code POST /pooler/api/execute},
 * {@code GET /pooler/api/pools}, {@code GET /pooler/metrics}. One servlet context
 * ({@link dev.pooler.webconsole.http.ApiContext}) asks for the Web Console's credentials and refuses
 * cross-origin writes before any servlet runs.
 */
package dev.pooler.webconsole.http;
