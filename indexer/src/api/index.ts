// GraphQL over the indexed tables at /graphql (and /, for clients that post to the root). Ponder itself serves
// /ready, /status, /health and /metrics.
import { db } from "ponder:api";
import schema from "ponder:schema";
import { Hono } from "hono";
import { graphql } from "ponder";

const app = new Hono();

app.use("/graphql", graphql({ db, schema }));
app.use("/", graphql({ db, schema }));

export default app;
