import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { z } from "zod/v4";
import { zodIssueLines } from "../../src/errors.ts";

describe("zodIssueLines", () => {
  const schema = z.object({ fields: z.array(z.object({ name: z.string() })), rows: z.number() });
  const error = schema.safeParse({ fields: [{ name: "a" }, { name: 2 }], rows: "x" }).error!;

  test("one line per issue, the path dotted by default", () => {
    assert.deepEqual(zodIssueLines(error).map((l) => l.split(":")[0]), ["fields.1.name", "rows"]);
  });

  test("array indexes in brackets on request, and the document itself named as asked", () => {
    assert.equal(zodIssueLines(error, { indexes: "brackets" })[0].split(":")[0], "fields[1].name");
    const top = z.object({ a: z.number() }).safeParse(3).error!;
    assert.match(zodIssueLines(top)[0], /^\(top level\): /);
    assert.match(zodIssueLines(top, { root: "(root)" })[0], /^\(root\): /);
  });
});
