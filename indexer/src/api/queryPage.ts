// What a browser gets at GET /graphql: a query box that POSTs to this URL. Self-contained (no script, style or font
// from anywhere else) because the project promises that nothing is downloaded at run time; Ponder's GraphiQL page
// loads React and GraphiQL from a CDN. docs/graphql.md has the example queries.
export const queryPage = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>2PM indexer — GraphQL</title>
<style>
  body { font: 14px system-ui, sans-serif; margin: 1.5em; max-width: 70em; }
  textarea, pre { font: 13px ui-monospace, monospace; width: 100%; box-sizing: border-box; }
  pre { background: #f4f4f4; padding: 1em; white-space: pre-wrap; min-height: 4em; }
</style>
</head>
<body>
<h1>2PM indexer — GraphQL</h1>
<p>POST <code>{"query": "...", "variables": {...}}</code> to this URL. Examples: docs/graphql.md in the repository.</p>
<label>Query<br><textarea id="query" rows="12">{
  datasets(orderBy: "id", orderDirection: "desc", limit: 10) {
    totalCount
    items { id owner schemaId rows uri retired }
  }
}</textarea></label>
<label>Variables (JSON)<br><textarea id="variables" rows="3">{}</textarea></label>
<p><button id="run">Run</button></p>
<pre id="result"></pre>
<script>
  const $ = (id) => document.getElementById(id);
  $("run").onclick = async () => {
    $("result").textContent = "…";
    try {
      const variables = JSON.parse($("variables").value || "{}");
      const response = await fetch(location.pathname, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ query: $("query").value, variables }) });
      $("result").textContent = JSON.stringify(await response.json(), null, 2);
    } catch (err) {
      $("result").textContent = String(err);
    }
  };
</script>
</body>
</html>
`;
