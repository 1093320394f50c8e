// Records the frames the official JS SDK (remote-pay-cloud 4.1.2) writes for auth, pre-auth,
// capture, increment, tip adjust and closeout, through the SDK's own CloverConnector request paths
// (so the PayIntent/transactionSettings are the connector's) and DefaultCloverDevice serializer,
// into tests/fixtures/official-js-sdk-4.1.2-auth-frames.jsonl (one frame per line).
//
//   NODE_PATH=path/to/node_modules node tests/conformance/record_auth_frames.js > tests/fixtures/official-js-sdk-4.1.2-auth-frames.jsonl
"use strict";

const clover = require("remote-pay-cloud");
const sdk = require("remote-pay-cloud-api");
const { DefaultCloverDevice } = require("remote-pay-cloud/dist/com/clover/remote/client/device/DefaultCloverDevice");
const { CloverConnector } = require("remote-pay-cloud/dist/com/clover/remote/client/CloverConnector");

const frames = [];
const device = Object.create(DefaultCloverDevice.prototype);
device.applicationId = "com.example.tuipos:0.1.0";
device.packageName = "com.clover.remote_protocol_broadcast.app";
device.remoteMessageVersion = 1;
device.logger = { debug() {}, info() {}, warn() {}, error(m) { throw new Error(m); } };
device.transport = { sendMessage: (m) => frames.push(m) };
void clover;

const connector = Object.create(CloverConnector.prototype);
connector.device = device;
connector.isReady = true;
connector.cardEntryMethods = 34567;
connector.logger = device.logger;
const info = new sdk.remotepay.MerchantInfo();
info.setSupportsAuths(true);
info.setSupportsPreAuths(true);
info.setSupportsTipAdjust(true);
connector.merchantInfo = info;

// 1. auth of 20.00
const auth = new sdk.remotepay.AuthRequest();
auth.setAmount(2000);
auth.setExternalId("AUTH0001");
connector.auth(auth);
// 2. pre-auth of 50.00
const pre = new sdk.remotepay.PreAuthRequest();
pre.setAmount(5000);
pre.setExternalId("PREAUTH0001");
connector.preAuth(pre);
// 3. capture of the pre-auth: 45.00 + 5.00 tip
const capture = new sdk.remotepay.CapturePreAuthRequest();
capture.setPaymentId("PAY1");
capture.setAmount(4500);
capture.setTipAmount(500);
connector.capturePreAuth(capture);
// 4. increment of the pre-auth by 10.00
const inc = new sdk.remotepay.IncrementPreAuthRequest();
inc.setPaymentId("PAY1");
inc.setAmount(1000);
connector.incrementPreAuth(inc);
// 5. tip adjust of the auth: 3.00
const tip = new sdk.remotepay.TipAdjustAuthRequest();
tip.setOrderId("ORDER1");
tip.setPaymentId("PAY2");
tip.setTipAmount(300);
connector.tipAdjustAuth(tip);
// 6. closeout, open tabs not allowed
const close = new sdk.remotepay.CloseoutRequest();
close.setAllowOpenTabs(false);
connector.closeout(close);

// The device's answers, built from the SDK's own message classes and written by its serializer
// (nested Clover objects come out as objects here; devices send them as strings, §2.8). With
// RESPONSES=1 only these are written, to tests/fixtures/official-js-sdk-4.1.2-auth-response-frames.jsonl.
if (process.env.RESPONSES === "1") {
  frames.length = 0;
  const cap = new sdk.remotemessage.CapturePreAuthResponseMessage();
  cap.setStatus(sdk.remotemessage.ResultStatus.SUCCESS);
  cap.setPaymentId("PAY1");
  cap.setAmount(4500);
  cap.setTipAmount(500);
  device.sendObjectMessage(cap);
  const incr = new sdk.remotemessage.IncrementPreAuthResponseMessage();
  incr.setStatus(sdk.remotemessage.ResultStatus.SUCCESS);
  const authz = new sdk.payments.Authorization();
  authz.setId("AZ1");
  authz.setAmount(6000);
  authz.setLast4("1111");
  authz.setCardType(sdk.payments.CardType.VISA);
  const held = new sdk.payments.Payment();
  held.setId("PAY1");
  held.setAmount(6000);
  authz.setPayment(held);
  incr.setAuthorization(authz);
  device.sendObjectMessage(incr);
  const tar = new sdk.remotemessage.TipAdjustResponseMessage();
  tar.setSuccess(true);
  tar.setAmount(300);
  tar.setOrderId("ORDER1");
  tar.setPaymentId("PAY2");
  device.sendObjectMessage(tar);
  const cor = new sdk.remotemessage.CloseoutResponseMessage();
  cor.setStatus(sdk.remotemessage.ResultStatus.SUCCESS);
  const batch = new sdk.payments.Batch();
  batch.setId("BATCH1");
  batch.setTxCount(2);
  batch.setTotalBatchAmount(2300);
  batch.setState(sdk.payments.BatchState.CLOSED);
  batch.setBatchType(sdk.payments.BatchType.MANUAL_CLOSE);
  cor.setBatch(batch);
  device.sendObjectMessage(cor);
  const refused = new sdk.remotemessage.CloseoutResponseMessage();
  refused.setStatus(sdk.remotemessage.ResultStatus.FAIL);
  refused.setReason("OPEN_TABS");
  device.sendObjectMessage(refused);
}

for (const f of frames) {
  process.stdout.write(f + "\n");
}
