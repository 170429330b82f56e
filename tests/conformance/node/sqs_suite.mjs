// Conformance suite: @aws-sdk/client-sqs v3 (AWS JSON 1.0) against a running spoold.
// Run by tests/conformance/run.py as `node --test --test-reporter=tap sqs_suite.mjs`,
// with SPOOL_ENDPOINT, SPOOL_REGION, SPOOL_ACCOUNT_ID, SPOOL_ACCESS_KEY_ID and
// SPOOL_SECRET_ACCESS_KEY in the environment. The SDK's own MD5 checks stay on.
import { test, after } from "node:test";
import assert from "node:assert/strict";
import { createHash, randomBytes } from "node:crypto";
import {
  SQSClient,
  CreateQueueCommand,
  DeleteQueueCommand,
  GetQueueUrlCommand,
  GetQueueAttributesCommand,
  ListQueuesCommand,
  SendMessageCommand,
  SendMessageBatchCommand,
  ReceiveMessageCommand,
  DeleteMessageCommand,
  DeleteMessageBatchCommand,
  QueueDoesNotExist,
} from "@aws-sdk/client-sqs";

const ENDPOINT = (process.env.SPOOL_ENDPOINT ?? "http://127.0.0.1:9324").replace(/\/$/, "");
const REGION = process.env.SPOOL_REGION ?? "us-east-1";
const ACCOUNT = process.env.SPOOL_ACCOUNT_ID ?? "000000000000";
const RUN = `node${randomBytes(4).toString("hex")}`;
let counter = 0;
const unique = (label) => `${RUN}-${++counter}-${label}`;

const sqs = new SQSClient({
  endpoint: ENDPOINT,
  region: REGION,
  credentials: {
    accessKeyId: process.env.SPOOL_ACCESS_KEY_ID ?? "test",
    secretAccessKey: process.env.SPOOL_SECRET_ACCESS_KEY ?? "test",
  },
  maxAttempts: 1,
});

const created = [];
after(async () => {
  for (const url of created) {
    try {
      await sqs.send(new DeleteQueueCommand({ QueueUrl: url }));
    } catch {
      // already gone
    }
  }
  sqs.destroy();
});

async function newQueue(label, Attributes) {
  const name = unique(label);
  const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: name, Attributes }));
  created.push(QueueUrl);
  return { name, url: QueueUrl };
}

const md5 = (data) => createHash("md5").update(data).digest("hex");

// MD5OfMessageAttributes, spec section 5, computed here independently of the SDK.
function md5OfAttributes(attributes) {
  const parts = [];
  const field = (buf) => {
    const len = Buffer.alloc(4);
    len.writeUInt32BE(buf.length);
    parts.push(len, buf);
  };
  for (const name of Object.keys(attributes).sort()) {
    const a = attributes[name];
    field(Buffer.from(name, "utf8"));
    field(Buffer.from(a.DataType, "utf8"));
    if (a.BinaryValue !== undefined) {
      parts.push(Buffer.from([2]));
      field(Buffer.from(a.BinaryValue));
    } else {
      parts.push(Buffer.from([1]));
      field(Buffer.from(a.StringValue, "utf8"));
    }
  }
  return md5(Buffer.concat(parts));
}

// Receives until n messages arrived or deadlineMs passed.
async function receiveN(url, n, deadlineMs = 15000, extra = {}) {
  const got = [];
  const deadline = Date.now() + deadlineMs;
  while (got.length < n && Date.now() < deadline) {
    const r = await sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: url,
        MaxNumberOfMessages: Math.min(10, n - got.length),
        WaitTimeSeconds: 1,
        ...extra,
      }),
    );
    got.push(...(r.Messages ?? []));
  }
  assert.equal(got.length, n, `received ${got.length} of ${n} messages before the deadline`);
  return got;
}

async function counters(url) {
  const { Attributes } = await sqs.send(
    new GetQueueAttributesCommand({
      QueueUrl: url,
      AttributeNames: ["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"],
    }),
  );
  return [Number(Attributes.ApproximateNumberOfMessages), Number(Attributes.ApproximateNumberOfMessagesNotVisible)];
}

test("create queue, url and attributes", async () => {
  const { name, url } = await newQueue("create", { VisibilityTimeout: "45" });
  assert.equal(url, `${ENDPOINT}/${ACCOUNT}/${name}`);
  const again = await sqs.send(new GetQueueUrlCommand({ QueueName: name }));
  assert.equal(again.QueueUrl, url);
  const { Attributes } = await sqs.send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ["All"] }));
  assert.equal(Attributes.VisibilityTimeout, "45");
  assert.equal(Attributes.QueueArn, `arn:aws:sqs:${REGION}:${ACCOUNT}:${name}`);
});

test("send with attributes, receive, delete", async () => {
  const { url } = await newQueue("send");
  const body = "n\u00f6de \u{1F680} body";
  const attributes = {
    s: { DataType: "String", StringValue: "v\u00e4lue" },
    n: { DataType: "Number", StringValue: "42" },
    b: { DataType: "Binary", BinaryValue: new Uint8Array([0, 1, 2, 255]) },
    c: { DataType: "String.custom", StringValue: "x" },
  };
  const sent = await sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: body, MessageAttributes: attributes }));
  assert.match(sent.MessageId, /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
  assert.equal(sent.MD5OfMessageBody, md5(Buffer.from(body, "utf8")));
  assert.equal(sent.MD5OfMessageAttributes, md5OfAttributes(attributes));

  const [m] = await receiveN(url, 1, 15000, {
    MessageAttributeNames: ["All"],
    MessageSystemAttributeNames: ["All"],
  });
  assert.equal(m.MessageId, sent.MessageId);
  assert.equal(m.Body, body);
  assert.equal(m.MD5OfBody, md5(Buffer.from(body, "utf8")));
  assert.equal(m.MD5OfMessageAttributes, md5OfAttributes(attributes));
  assert.deepEqual(Object.keys(m.MessageAttributes).sort(), ["b", "c", "n", "s"]);
  assert.equal(m.MessageAttributes.s.StringValue, "v\u00e4lue");
  assert.equal(m.MessageAttributes.n.DataType, "Number");
  assert.deepEqual(Array.from(m.MessageAttributes.b.BinaryValue), [0, 1, 2, 255]);
  assert.equal(m.MessageAttributes.c.DataType, "String.custom");
  assert.equal(m.Attributes.ApproximateReceiveCount, "1");
  assert.ok(Number(m.Attributes.SentTimestamp) > 1.6e12);

  await sqs.send(new DeleteMessageCommand({ QueueUrl: url, ReceiptHandle: m.ReceiptHandle }));
  assert.deepEqual(await counters(url), [0, 0]);
});

test("batch send and batch delete", async () => {
  const { url } = await newQueue("batch");
  const sent = await sqs.send(
    new SendMessageBatchCommand({
      QueueUrl: url,
      Entries: [
        { Id: "a", MessageBody: "alpha" },
        { Id: "b", MessageBody: "beta", MessageAttributes: { k: { DataType: "String", StringValue: "v" } } },
        { Id: "bad", MessageBody: "bad\u0001" },
      ],
    }),
  );
  assert.deepEqual(sent.Successful.map((e) => e.Id).sort(), ["a", "b"]);
  for (const e of sent.Successful) assert.equal(e.MD5OfMessageBody, md5(e.Id === "a" ? "alpha" : "beta"));
  assert.equal(sent.Failed.length, 1);
  assert.equal(sent.Failed[0].Id, "bad");
  assert.equal(sent.Failed[0].SenderFault, true);
  assert.equal(sent.Failed[0].Code, "InvalidMessageContents");

  const msgs = await receiveN(url, 2, 15000, { VisibilityTimeout: 600 });
  assert.deepEqual(msgs.map((m) => m.Body).sort(), ["alpha", "beta"]);
  const del = await sqs.send(
    new DeleteMessageBatchCommand({
      QueueUrl: url,
      Entries: [
        ...msgs.map((m, i) => ({ Id: `m${i}`, ReceiptHandle: m.ReceiptHandle })),
        { Id: "junk", ReceiptHandle: "garbage" },
      ],
    }),
  );
  assert.deepEqual(del.Successful.map((e) => e.Id).sort(), ["m0", "m1"]);
  assert.equal(del.Failed.length, 1);
  assert.equal(del.Failed[0].Id, "junk");
  assert.equal(del.Failed[0].Code, "ReceiptHandleIsInvalid");
  assert.deepEqual(await counters(url), [0, 0]);
});

test("nonexistent queue error", async () => {
  await assert.rejects(
    sqs.send(new GetQueueUrlCommand({ QueueName: unique("missing") })),
    (err) => {
      assert.ok(err instanceof QueueDoesNotExist, `error class ${err?.constructor?.name}`);
      assert.equal(err.name, "QueueDoesNotExist");
      assert.equal(err.Code, "AWS.SimpleQueueService.NonExistentQueue");
      assert.equal(err.Type, "Sender");
      assert.equal(err.$fault, "client");
      assert.equal(err.$metadata.httpStatusCode, 400);
      assert.ok(err.$metadata.requestId, "request id on errors");
      assert.ok(err.message.length > 0);
      return true;
    },
  );
  await assert.rejects(
    sqs.send(new SendMessageCommand({ QueueUrl: `${ENDPOINT}/${ACCOUNT}/${unique("gone")}`, MessageBody: "x" })),
    (err) => err.name === "QueueDoesNotExist" && err.Code === "AWS.SimpleQueueService.NonExistentQueue",
  );
});

test("list queues with prefix and pagination", async () => {
  const group = unique("list");
  const urls = [];
  for (let i = 0; i < 5; i++) {
    const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: `${group}-${i}` }));
    created.push(QueueUrl);
    urls.push(QueueUrl);
  }
  const all = await sqs.send(new ListQueuesCommand({ QueueNamePrefix: group }));
  assert.deepEqual([...all.QueueUrls].sort(), [...urls].sort());
  assert.equal(all.NextToken, undefined);

  const pages = [];
  let NextToken;
  for (let i = 0; i < 10; i++) {
    const page = await sqs.send(new ListQueuesCommand({ QueueNamePrefix: group, MaxResults: 2, NextToken }));
    pages.push(page.QueueUrls ?? []);
    NextToken = page.NextToken;
    if (!NextToken) break;
  }
  assert.deepEqual(pages.map((p) => p.length), [2, 2, 1]);
  assert.deepEqual(pages.flat().sort(), [...urls].sort());
});
