// Conformance scenarios: each drives a fresh `till sim --customer auto --delay-ms 0 --cloud`
// with the official SDK and throws on the first failed expectation.
"use strict";

const { clover, direct, cloud, saleRequest, externalId, expect, sleep } = require("./lib");

const ResponseCode = clover.remotepay.ResponseCode;
const QueryStatus = clover.remotepay.QueryStatus;

function retrievePayment(pos, id) {
  const request = new clover.remotepay.RetrievePaymentRequest();
  request.setExternalPaymentId(id);
  const answer = pos.recorder.fresh("onRetrievePaymentResponse");
  pos.connector.retrievePayment(request);
  return answer;
}

function deviceStatus(pos, sendLastMessage) {
  const request = new clover.remotepay.RetrieveDeviceStatusRequest();
  request.setSendLastMessage(sendLastMessage);
  const answer = pos.recorder.fresh("onRetrieveDeviceStatusResponse");
  pos.connector.retrieveDeviceStatus(request);
  return answer;
}

async function sell(pos, amount, tag) {
  const id = externalId(tag);
  const response = pos.recorder.fresh("onSaleResponse");
  pos.connector.sale(saleRequest(amount, id));
  return { id, response };
}

function noDeviceErrors(pos) {
  const errors = pos.recorder.events.filter((e) => e.kind === "onDeviceError");
  expect(errors.length === 0, `no device errors, got ${errors.map((e) => e.arg.getMessage()).join("; ")}`);
}

const scenarios = {
  async pairing_then_token_reuse({ url }) {
    const first = await direct(url, { name: "first" });
    expect(first.pairing.codes.length === 1, "a first pairing shows a pairing code");
    expect(first.pairing.tokens.length === 1 && first.pairing.tokens[0], "pairing success hands out a token");
    const token = first.pairing.tokens[0];
    first.connector.dispose();
    await sleep(200);
    const again = await direct(url, { authToken: token, name: "again" });
    expect(again.pairing.codes.length === 0, "the saved token pairs without a code");
    expect(again.pairing.tokens.length === 1 && again.pairing.tokens[0] !== token, "the token is rotated");
    again.connector.dispose();
  },

  async sale_approved({ url }) {
    const pos = await direct(url);
    const { id, response } = await sell(pos, 1000, "OK");
    const sale = await response;
    expect(sale.getSuccess() === true, "sale succeeds");
    expect(sale.getResult() === ResponseCode.SUCCESS, `result SUCCESS, got ${sale.getResult()}`);
    const payment = sale.getPayment();
    expect(payment.getAmount() === 1000, `amount 1000, got ${payment.getAmount()}`);
    expect(payment.getExternalPaymentId() === id, "external id echoed");
    expect(payment.getCardTransaction().getLast4() === "4242", "VISA test card 4242");
    noDeviceErrors(pos);
    pos.connector.dispose();
  },

  async duplicate_challenge_accepted_and_rejected({ url }) {
    const pos = await direct(url);
    for (const accept of [true, false]) {
      const confirm = pos.recorder.fresh("onConfirmPaymentRequest");
      const { response } = await sell(pos, 1003, accept ? "DUPA" : "DUPR");
      const request = await confirm;
      const challenges = request.getChallenges();
      expect(challenges.length >= 1, "a challenge is sent");
      expect(String(challenges[0].getType()) === "DUPLICATE_CHALLENGE", `duplicate challenge, got ${challenges[0].getType()}`);
      if (accept) pos.connector.acceptPayment(request.getPayment());
      else pos.connector.rejectPayment(request.getPayment(), challenges[0]);
      const sale = await response;
      expect(sale.getSuccess() === accept, `accept=${accept} gives success=${accept}, got ${sale.getResult()}`);
    }
    noDeviceErrors(pos);
    pos.connector.dispose();
  },

  async offline_challenge({ url }) {
    const pos = await direct(url);
    const confirm = pos.recorder.fresh("onConfirmPaymentRequest");
    const { response } = await sell(pos, 1004, "OFF");
    const request = await confirm;
    expect(String(request.getChallenges()[0].getType()) === "OFFLINE_CHALLENGE", "offline challenge");
    pos.connector.acceptPayment(request.getPayment());
    expect((await response).getSuccess() === true, "accepted offline payment succeeds");
    pos.connector.dispose();
  },

  async signature_accepted_and_rejected({ url }) {
    const pos = await direct(url);
    for (const accept of [true, false]) {
      const verify = pos.recorder.fresh("onVerifySignatureRequest");
      const { response } = await sell(pos, 1005, accept ? "SIGA" : "SIGR");
      const request = await verify;
      const strokes = request.getSignature() && request.getSignature().getStrokes();
      expect(strokes && strokes.length > 0, "the signature has strokes");
      expect(strokes[0].getPoints().length > 1, "strokes have points");
      if (accept) pos.connector.acceptSignature(request);
      else pos.connector.rejectSignature(request);
      const sale = await response;
      expect(sale.getSuccess() === accept, `signature accept=${accept} gives success=${accept}, got ${sale.getResult()}`);
    }
    pos.connector.dispose();
  },

  async decline({ url }) {
    const pos = await direct(url);
    const { response } = await sell(pos, 1001, "DECL");
    const sale = await response;
    expect(sale.getSuccess() === false, "a decline is not a success");
    expect(sale.getResult() !== ResponseCode.SUCCESS, `result is not SUCCESS, got ${sale.getResult()}`);
    pos.connector.dispose();
  },

  async partial_auth({ url }) {
    const pos = await direct(url);
    const { response } = await sell(pos, 1002, "PART");
    const sale = await response;
    expect(sale.getSuccess() === true, "partial auth is approved");
    expect(sale.getPayment().getAmount() === 501, `approved for half (501), got ${sale.getPayment().getAmount()}`);
    pos.connector.dispose();
  },

  async retrieve_payment_found_not_found_in_progress({ url }) {
    const pos = await direct(url);
    const { id, response } = await sell(pos, 1000, "FOUND");
    await response;
    const found = await retrievePayment(pos, id);
    expect(found.getQueryStatus() === QueryStatus.FOUND, `FOUND, got ${found.getQueryStatus()}`);
    expect(found.getPayment().getExternalPaymentId() === id, "the found payment is ours");
    const missing = await retrievePayment(pos, externalId("NOPE"));
    expect(missing.getQueryStatus() === QueryStatus.NOT_FOUND, `NOT_FOUND, got ${missing.getQueryStatus()}`);
    // .08: the customer walks away, the payment stays in progress.
    const started = pos.recorder.fresh("onDeviceActivityStart");
    const walk = await sell(pos, 1008, "WALK");
    await started;
    const progress = await retrievePayment(pos, walk.id);
    expect(progress.getQueryStatus() === QueryStatus.IN_PROGRESS, `IN_PROGRESS, got ${progress.getQueryStatus()}`);
    const reset = pos.recorder.fresh("onResetDeviceResponse");
    pos.connector.resetDevice();
    await reset;
    expect((await walk.response).getSuccess() === false, "the reset ends the walked-away sale");
    pos.connector.dispose();
  },

  async device_status_resends_a_pending_challenge({ url }) {
    const pos = await direct(url);
    const firstConfirm = pos.recorder.fresh("onConfirmPaymentRequest");
    const { response } = await sell(pos, 1003, "LAST");
    await firstConfirm;
    const resent = pos.recorder.fresh("onConfirmPaymentRequest");
    const status = await deviceStatus(pos, true);
    expect(status.getSuccess() === true, "device status answered");
    const again = await resent;
    pos.connector.acceptPayment(again.getPayment());
    expect((await response).getSuccess() === true, "the re-delivered challenge completes the sale");
    pos.connector.dispose();
  },

  async device_status_resends_a_lost_finish_ok({ url }) {
    const pos = await direct(url);
    const disconnected = pos.recorder.fresh("onDeviceDisconnected");
    const readyAgain = pos.recorder.next("onDeviceReady", () => true, pos.recorder.events.length);
    const { id, response } = await sell(pos, 1006, "LOST");
    await disconnected;
    await readyAgain; // the SDK reconnects and re-pairs with its latest token
    expect(pos.pairing.codes.length === 1, "the reconnect pairs with the token, no new code");
    await deviceStatus(pos, true);
    const sale = await response;
    expect(sale.getSuccess() === true, `the lost FINISH_OK is re-delivered as an approved sale, got ${sale.getResult()}`);
    expect(sale.getPayment().getExternalPaymentId() === id, "for our payment");
    pos.connector.dispose();
  },

  async reset_during_payment_voids_it({ url }) {
    const pos = await direct(url);
    const confirm = pos.recorder.fresh("onConfirmPaymentRequest");
    const { id, response } = await sell(pos, 1003, "RESET");
    await confirm; // authorised, waiting for the POS to confirm
    const reset = pos.recorder.fresh("onResetDeviceResponse");
    pos.connector.resetDevice();
    const resetAnswer = await reset;
    expect(resetAnswer.getSuccess() === true, "reset answered");
    expect((await response).getSuccess() === false, "the sale ends unsuccessfully");
    const found = await retrievePayment(pos, id);
    expect(found.getQueryStatus() === QueryStatus.FOUND, `the voided payment is FOUND, got ${found.getQueryStatus()}`);
    expect(String(found.getPayment().getResult()) === "VOIDED", `as VOIDED, got ${found.getPayment().getResult()}`);
    pos.connector.dispose();
  },

  async screens_message_welcome_thank_you({ url }) {
    const pos = await direct(url);
    pos.connector.showMessage("Hello from the conformance test");
    pos.connector.showWelcomeScreen();
    pos.connector.showThankYouScreen();
    const status = await deviceStatus(pos, false);
    expect(status.getSuccess() === true, "the device still answers after screen commands");
    noDeviceErrors(pos);
    expect(pos.recorder.count("onDeviceDisconnected") === 0, "no disconnect");
    pos.connector.dispose();
  },

  async cloud_connect_sale_already_connected_force({ server, accessToken, merchantId }) {
    const first = cloud(server, { friendlyId: "register-1", accessToken, merchantId });
    await first.recorder.next("onDeviceReady");
    const response = first.recorder.fresh("onSaleResponse");
    first.connector.sale(saleRequest(2000, externalId("CLOUD")));
    expect((await response).getSuccess() === true, "cloud sale approved");

    const second = cloud(server, { friendlyId: "register-2", accessToken, merchantId });
    const denied = await second.recorder.next("onDeviceError");
    expect(String(denied.getCode()) === "AccessDenied", `AccessDenied, got ${denied.getCode()}`);
    expect(/already connected to 'register-1'/.test(denied.getMessage()), `message names the attached POS: ${denied.getMessage()}`);
    second.connector.dispose();

    const third = cloud(server, { friendlyId: "register-3", forceConnect: true, accessToken, merchantId });
    const interrupted = first.recorder.next("onDeviceError", (e) => String(e.getCode()) === "Interrupted");
    await third.recorder.next("onDeviceReady");
    const event = await interrupted;
    expect(/register-3/.test(event.getMessage()), `the displaced POS learns who took over: ${event.getMessage()}`);
    const sale3 = third.recorder.fresh("onSaleResponse");
    third.connector.sale(saleRequest(2100, externalId("FORCE")));
    expect((await sale3).getSuccess() === true, "the new POS can sell");
    third.connector.dispose();
  },

  async cloud_wrong_token_is_refused({ server, merchantId }) {
    const pos = cloud(server, { friendlyId: "register-9", accessToken: "not-the-token", merchantId });
    const error = await pos.recorder.next("onDeviceError");
    expect(/Error connecting to your Clover device/.test(error.getMessage()), `connection error reported: ${error.getMessage()}`);
    expect(pos.recorder.count("onDeviceReady") === 0, "never ready");
    pos.connector.dispose();
  },
};

module.exports = scenarios;
