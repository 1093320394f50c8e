// Conformance scenarios: each drives a fresh `till sim --customer auto --delay-ms 0 --cloud
// --profile <default|real>` with the official SDK and throws on the first failed expectation.
// `ctx.profile` says which device profile runs; where the SDK behaves differently on the real
// shapes the expectation follows what the SDK really does (see `settle` and `partial_auth`).
"use strict";

const { clover, direct, cloud, saleRequest, externalId, expect, sleep } = require("./lib");

const sdkApi = require("remote-pay-cloud-api");

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
  const from = pos.recorder.events.length;
  const response = pos.recorder.fresh("onSaleResponse");
  // With the real profile the SDK never answers (see `settle`): keep the timeout quiet.
  response.catch(() => {});
  pos.connector.sale(saleRequest(amount, id));
  return { id, response, from };
}

/**
 * How a sale ended, as the POS can know it. With the default profile: the SDK's onSaleResponse.
 *
 * With the real profile (`till sim --profile real`, the frames recorded on real devices), the
 * official SDK 4.1.2 does NOT deliver onSaleResponse: FINISH_OK and FINISH_CANCEL carry no
 * `requestInfo`, and CloverConnector.onFinishOkPayment / onFinishCancel_rmm then log "Could not
 * determine request type" / "requestInfo was null" and drop the outcome. That is what the SDK
 * really does, so the expectation is adapted: no onSaleResponse arrives, and the outcome is what
 * retrievePayment says once the device is done with the sale (FOUND SUCCESS for an approval,
 * FOUND VOIDED or NOT_FOUND otherwise).
 * Returns { success, amount, externalId }.
 */
async function settle({ profile }, pos, sale) {
  if (profile !== "real") {
    const response = await sale.response;
    const payment = response.getPayment();
    return {
      payment,
      success: response.getSuccess(),
      result: response.getResult(),
      amount: payment ? payment.getAmount() : undefined,
      externalId: payment ? payment.getExternalPaymentId() : undefined,
      last4: payment && payment.getCardTransaction() ? payment.getCardTransaction().getLast4() : undefined,
    };
  }
  let found;
  for (let i = 0; i < 100; i++) {
    found = await retrievePayment(pos, sale.id);
    if (found.getQueryStatus() !== QueryStatus.IN_PROGRESS) break;
    await sleep(50);
  }
  expect(found.getQueryStatus() !== QueryStatus.IN_PROGRESS, "the device finished the sale");
  const answered = pos.recorder.events.slice(sale.from).filter((e) => e.kind === "onSaleResponse");
  expect(answered.length === 0, "SDK 4.1.2 cannot pair a FINISH frame without requestInfo to the sale");
  if (found.getQueryStatus() === QueryStatus.NOT_FOUND) {
    return { success: false, result: "NOT_FOUND" };
  }
  const payment = found.getPayment();
  const result = String(payment.getResult());
  return {
    payment,
    success: result === "SUCCESS",
    result,
    amount: payment.getAmount(),
    externalId: payment.getExternalPaymentId(),
    last4: payment.getCardTransaction() ? payment.getCardTransaction().getLast4() : undefined,
  };
}

/**
 * An auth or a pre-auth (`kind` "auth" / "preAuth") through the SDK, and how it ended. With the
 * default profile: the SDK's onAuthResponse / onPreAuthResponse (`response`). With the real
 * profile FINISH_OK has no requestInfo and SDK 4.1.2 reports nothing (as for a sale, see
 * `settle`): the outcome is read with retrievePayment, and no response may have arrived.
 */
async function authorize(ctx, pos, kind, amount, tag) {
  const id = externalId(tag);
  const callback = kind === "auth" ? "onAuthResponse" : "onPreAuthResponse";
  const request = kind === "auth" ? new clover.remotepay.AuthRequest() : new clover.remotepay.PreAuthRequest();
  request.setAmount(amount);
  request.setExternalId(id);
  request.setDisableRestartTransactionOnFail(true);
  const from = pos.recorder.events.length;
  const answer = pos.recorder.fresh(callback);
  answer.catch(() => {});
  pos.connector[kind](request);
  if (ctx.profile !== "real") {
    const response = await answer;
    const payment = response.getPayment();
    return {
      response,
      payment,
      success: response.getSuccess(),
      result: payment ? String(payment.getResult()) : String(response.getResult()),
      amount: payment ? payment.getAmount() : undefined,
      externalId: id,
    };
  }
  let found;
  for (let i = 0; i < 100; i++) {
    found = await retrievePayment(pos, id);
    if (found.getQueryStatus() !== QueryStatus.IN_PROGRESS) break;
    await sleep(50);
  }
  expect(found.getQueryStatus() === QueryStatus.FOUND, `the device has the ${kind}, got ${found.getQueryStatus()}`);
  const answered = pos.recorder.events.slice(from).filter((e) => e.kind === callback);
  expect(answered.length === 0, `SDK 4.1.2 cannot pair a FINISH_OK without requestInfo to the ${kind}`);
  const payment = found.getPayment();
  const result = String(payment.getResult());
  return { payment, success: result === "SUCCESS", result, amount: payment.getAmount(), externalId: id };
}

function noDeviceErrors(pos) {
  const errors = pos.recorder.events.filter((e) => e.kind === "onDeviceError");
  expect(errors.length === 0, `no device errors, got ${errors.map((e) => e.arg.getMessage()).join("; ")}`);
}

function refundPayment(pos, payment, amount) {
  const request = new clover.remotepay.RefundPaymentRequest();
  request.setPaymentId(payment.getId());
  request.setOrderId(payment.getOrder().getId());
  if (amount === null) request.setFullRefund(true);
  else {
    request.setFullRefund(false);
    request.setAmount(amount);
  }
  const answer = pos.recorder.fresh("onRefundPaymentResponse");
  pos.connector.refundPayment(request);
  return answer;
}

function voidPayment(pos, payment) {
  const request = new clover.remotepay.VoidPaymentRequest();
  request.setPaymentId(payment.getId());
  request.setOrderId(payment.getOrder().getId());
  request.setVoidReason("USER_CANCEL");
  const answer = pos.recorder.fresh("onVoidPaymentResponse");
  pos.connector.voidPayment(request);
  return answer;
}

/** Resolves once the device is idle again (a status round trip after the last frame). */
async function idle(pos) {
  for (let i = 0; i < 100; i++) {
    const status = await deviceStatus(pos, false);
    if (String(status.getState()) === "IDLE") return;
    await sleep(50);
  }
  throw new Error("the device never became idle");
}

/** A display order built with the SDK's own classes (remote-pay-cloud-api `order/`). */
function displayOrder(lines) {
  const order = new sdkApi.order.DisplayOrder();
  order.setId("CONF-ORDER-1");
  order.setCurrency("USD");
  order.setTitle("Conformance cafe");
  const items = lines.map(([id, name, quantity, price]) => {
    const line = new sdkApi.order.DisplayLineItem();
    line.setId(id);
    line.setOrderId("CONF-ORDER-1");
    line.setName(name);
    line.setQuantity(quantity);
    line.setPrice(price);
    return line;
  });
  order.setLineItems(items);
  order.setSubtotal("$5.75");
  order.setTax("$0.58");
  order.setTotal("$6.33");
  return order;
}

/** Waits for the UI_STATE the device answers a display order with (ENTER or EXIT). */
function displayOrderState(pos, enter) {
  // SDK 4.1.2's DeviceEventState has no DISPLAY_ORDER (the SDK says so in its source): the
  // event arrives with an undefined state; the direction and the device's text tell it.
  const kind = enter ? "onDeviceActivityStart" : "onDeviceActivityEnd";
  return pos.recorder.fresh(kind, (e) => e.getEventState() === undefined && (!enter || e.getMessage() === "Order"));
}

function printJobStatus(pos, id) {
  const request = new clover.remotepay.PrintJobStatusRequest();
  request.setPrintRequestId(id);
  const answer = pos.recorder.fresh("onPrintJobStatusResponse", (r) => r.getPrintRequestId() === id);
  pos.connector.retrievePrintJobStatus(request);
  return answer;
}

function receiptOptionsAnswer(pos) {
  return pos.recorder.fresh("onDisplayReceiptOptionsResponse");
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

  async sale_approved(ctx) {
    const pos = await direct(ctx.url);
    const started = await sell(pos, 1000, "OK");
    const sale = await settle(ctx, pos, started);
    expect(sale.success === true, "sale succeeds");
    expect(String(sale.result) === "SUCCESS", `result SUCCESS, got ${sale.result}`);
    expect(sale.amount === 1000, `amount 1000, got ${sale.amount}`);
    expect(sale.externalId === started.id, "external id echoed");
    expect(sale.last4 === "4242", "VISA test card 4242");
    noDeviceErrors(pos);
    pos.connector.dispose();
  },

  async duplicate_challenge_accepted_and_rejected(ctx) {
    const pos = await direct(ctx.url);
    for (const accept of [true, false]) {
      const confirm = pos.recorder.fresh("onConfirmPaymentRequest");
      const started = await sell(pos, 1003, accept ? "DUPA" : "DUPR");
      const request = await confirm;
      const challenges = request.getChallenges();
      expect(challenges.length >= 1, "a challenge is sent");
      expect(String(challenges[0].getType()) === "DUPLICATE_CHALLENGE", `duplicate challenge, got ${challenges[0].getType()}`);
      if (accept) pos.connector.acceptPayment(request.getPayment());
      else pos.connector.rejectPayment(request.getPayment(), challenges[0]);
      const sale = await settle(ctx, pos, started);
      expect(sale.success === accept, `accept=${accept} gives success=${accept}, got ${sale.result}`);
    }
    noDeviceErrors(pos);
    pos.connector.dispose();
  },

  async offline_challenge(ctx) {
    const pos = await direct(ctx.url);
    const confirm = pos.recorder.fresh("onConfirmPaymentRequest");
    const started = await sell(pos, 1004, "OFF");
    const request = await confirm;
    expect(String(request.getChallenges()[0].getType()) === "OFFLINE_CHALLENGE", "offline challenge");
    pos.connector.acceptPayment(request.getPayment());
    expect((await settle(ctx, pos, started)).success === true, "accepted offline payment succeeds");
    pos.connector.dispose();
  },

  async signature_accepted_and_rejected(ctx) {
    const pos = await direct(ctx.url);
    for (const accept of [true, false]) {
      const verify = pos.recorder.fresh("onVerifySignatureRequest");
      const started = await sell(pos, 1005, accept ? "SIGA" : "SIGR");
      const request = await verify;
      const strokes = request.getSignature() && request.getSignature().getStrokes();
      expect(strokes && strokes.length > 0, "the signature has strokes");
      expect(strokes[0].getPoints().length > 1, "strokes have points");
      if (accept) pos.connector.acceptSignature(request);
      else pos.connector.rejectSignature(request);
      const sale = await settle(ctx, pos, started);
      expect(sale.success === accept, `signature accept=${accept} gives success=${accept}, got ${sale.result}`);
    }
    pos.connector.dispose();
  },

  async decline(ctx) {
    const pos = await direct(ctx.url);
    const sale = await settle(ctx, pos, await sell(pos, 1001, "DECL"));
    expect(sale.success === false, "a decline is not a success");
    expect(sale.result !== ResponseCode.SUCCESS, `result is not SUCCESS, got ${sale.result}`);
    pos.connector.dispose();
  },

  async partial_auth(ctx) {
    const pos = await direct(ctx.url);
    if (ctx.profile !== "real") {
      const sale = await settle(ctx, pos, await sell(pos, 1002, "PART"));
      expect(sale.success === true, "partial auth is approved");
      expect(sale.amount === 501, `approved for half (501), got ${sale.amount}`);
      pos.connector.dispose();
      return;
    }
    // Real profile: the partial approval is a PARTIAL_AUTH_CHALLENGE the POS accepts or rejects.
    // SDK 4.1.2 hands it to onConfirmPaymentRequest like any challenge, but its ChallengeType
    // enum has only DUPLICATE_CHALLENGE and OFFLINE_CHALLENGE: the type arrives `undefined`
    // (what the SDK really does); the message and the void reason still say what it is.
    for (const accept of [true, false]) {
      const confirm = pos.recorder.fresh("onConfirmPaymentRequest");
      const started = await sell(pos, 1002, accept ? "PARTA" : "PARTR");
      const request = await confirm;
      const challenges = request.getChallenges();
      expect(challenges[0].getType() === undefined, `SDK 4.1.2 has no PARTIAL_AUTH_CHALLENGE type, got ${challenges[0].getType()}`);
      expect(String(challenges[0].getReason()) === "REJECT_PARTIAL_AUTH", `reason REJECT_PARTIAL_AUTH, got ${challenges[0].getReason()}`);
      expect(/5\.01/.test(challenges[0].getMessage()), `the message names the partial amount: ${challenges[0].getMessage()}`);
      expect(request.getPayment().getAmount() === 501, `the challenge's payment is the partial 501, got ${request.getPayment().getAmount()}`);
      if (accept) pos.connector.acceptPayment(request.getPayment());
      else pos.connector.rejectPayment(request.getPayment(), challenges[0]);
      const sale = await settle(ctx, pos, started);
      expect(sale.success === accept, `accept=${accept} gives success=${accept}, got ${sale.result}`);
      if (accept) expect(sale.amount === 501, `approved for half (501), got ${sale.amount}`);
      else expect(sale.result === "VOIDED", `a rejected partial approval is voided, got ${sale.result}`);
    }
    noDeviceErrors(pos);
    pos.connector.dispose();
  },

  async retrieve_payment_found_not_found_in_progress(ctx) {
    const pos = await direct(ctx.url);
    const first = await sell(pos, 1000, "FOUND");
    const id = first.id;
    await settle(ctx, pos, first);
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
    expect((await settle(ctx, pos, walk)).success === false, "the reset ends the walked-away sale");
    pos.connector.dispose();
  },

  async device_status_resends_a_pending_challenge(ctx) {
    const pos = await direct(ctx.url);
    const firstConfirm = pos.recorder.fresh("onConfirmPaymentRequest");
    const started = await sell(pos, 1003, "LAST");
    await firstConfirm;
    const resent = pos.recorder.fresh("onConfirmPaymentRequest");
    const status = await deviceStatus(pos, true);
    expect(status.getSuccess() === true, "device status answered");
    const again = await resent;
    pos.connector.acceptPayment(again.getPayment());
    expect((await settle(ctx, pos, started)).success === true, "the re-delivered challenge completes the sale");
    pos.connector.dispose();
  },

  async device_status_resends_a_lost_finish_ok(ctx) {
    const pos = await direct(ctx.url);
    const disconnected = pos.recorder.fresh("onDeviceDisconnected");
    const readyAgain = pos.recorder.next("onDeviceReady", () => true, pos.recorder.events.length);
    const started = await sell(pos, 1006, "LOST");
    await disconnected;
    await readyAgain; // the SDK reconnects and re-pairs with its latest token
    expect(pos.pairing.codes.length === 1, "the reconnect pairs with the token, no new code");
    await deviceStatus(pos, true);
    const sale = await settle(ctx, pos, started);
    expect(sale.success === true, `the lost FINISH_OK is re-delivered as an approved sale, got ${sale.result}`);
    expect(sale.externalId === started.id, "for our payment");
    pos.connector.dispose();
  },

  async reset_during_payment_voids_it(ctx) {
    const pos = await direct(ctx.url);
    const confirm = pos.recorder.fresh("onConfirmPaymentRequest");
    const started = await sell(pos, 1003, "RESET");
    const id = started.id;
    await confirm; // authorised, waiting for the POS to confirm
    const reset = pos.recorder.fresh("onResetDeviceResponse");
    pos.connector.resetDevice();
    const resetAnswer = await reset;
    expect(resetAnswer.getSuccess() === true, "reset answered");
    expect((await settle(ctx, pos, started)).success === false, "the sale ends unsuccessfully");
    const found = await retrievePayment(pos, id);
    expect(found.getQueryStatus() === QueryStatus.FOUND, `the voided payment is FOUND, got ${found.getQueryStatus()}`);
    expect(String(found.getPayment().getResult()) === "VOIDED", `as VOIDED, got ${found.getPayment().getResult()}`);
    pos.connector.dispose();
  },

  // Refunds and voids (issue #15). SDK 4.1.2 tells a refund's FINISH_OK by its `refund`
  // member, so it reports refunds on both profiles; a refused refund's FINISH_CANCEL without
  // `requestInfo` (real profile) is reported from the REFUND_RESPONSE it holds.
  async refund_partial_full_refused_then_void(ctx) {
    const pos = await direct(ctx.url);
    const sale = await settle(ctx, pos, await sell(pos, 3000, "REF"));
    expect(sale.success === true, "the sale to refund is approved");
    const partial = await refundPayment(pos, sale.payment, 1000);
    expect(partial.getSuccess() === true, `partial refund succeeds, got ${partial.getResult()} ${partial.getMessage()}`);
    expect(partial.getRefund().getAmount() === 1000, `refund of 1000, got ${partial.getRefund().getAmount()}`);
    expect(partial.getPaymentId() === sale.payment.getId(), "the refund names the payment");
    const rest = await refundPayment(pos, sale.payment, null);
    expect(rest.getSuccess() === true, `full refund of the rest succeeds, got ${rest.getResult()}`);
    expect(rest.getRefund().getAmount() === 2000, `the rest is 2000, got ${rest.getRefund().getAmount()}`);
    const refused = await refundPayment(pos, sale.payment, 1);
    expect(refused.getSuccess() === false, "nothing is left to refund");
    const found = await retrievePayment(pos, sale.externalId);
    const refunds = found.getPayment().getRefunds();
    expect(refunds && refunds.length === 2, `the payment carries its two refunds, got ${JSON.stringify(refunds)}`);

    const other = await settle(ctx, pos, await sell(pos, 4000, "VOID"));
    const from = pos.recorder.events.length;
    const voided = voidPayment(pos, other.payment);
    if (ctx.profile !== "real") {
      const answer = await voided;
      expect(answer.getSuccess() === true, `void succeeds, got ${answer.getResult()} ${answer.getMessage()}`);
    } else {
      // The real profile's discovery has no supportsVoidPaymentResponse, so the device answers
      // the void with the ACK only. SDK 4.1.2 defaults that flag to the *string* "false"
      // (truthy), sends VOID_PAYMENT v3 and waits for a VOID_PAYMENT_RESPONSE that never comes:
      // no onVoidPaymentResponse. The void happened all the same (retrievePayment below).
      voided.catch(() => {});
    }
    const gone = await retrievePayment(pos, other.externalId);
    if (ctx.profile === "real") {
      const answered = pos.recorder.events.slice(from).filter((e) => e.kind === "onVoidPaymentResponse");
      expect(answered.length === 0, "SDK 4.1.2 waits for a VOID_PAYMENT_RESPONSE the real profile does not send");
    }
    expect(String(gone.getPayment().getResult()) === "VOIDED", `the payment is VOIDED, got ${gone.getPayment().getResult()}`);
    noDeviceErrors(pos);
    pos.connector.dispose();
  },

  async manual_refund_approved_and_declined(ctx) {
    const pos = await direct(ctx.url);
    const approved = pos.recorder.fresh("onManualRefundResponse");
    const request = new clover.remotepay.ManualRefundRequest();
    request.setAmount(1500);
    request.setExternalId(externalId("CRED"));
    pos.connector.manualRefund(request);
    const credit = await approved;
    expect(credit.getSuccess() === true, `manual refund succeeds, got ${credit.getResult()} ${credit.getMessage()}`);
    expect(credit.getCredit().getAmount() === 1500, `credit of 1500, got ${credit.getCredit().getAmount()}`);

    // .01: the customer's card is declined.
    const from = pos.recorder.events.length;
    const declined = pos.recorder.fresh("onManualRefundResponse");
    declined.catch(() => {});
    const decline = new clover.remotepay.ManualRefundRequest();
    decline.setAmount(1501);
    decline.setExternalId(externalId("CREDNO"));
    decline.setDisableRestartTransactionOnFail(true);
    pos.connector.manualRefund(decline);
    if (ctx.profile !== "real") {
      expect((await declined).getSuccess() === false, "a declined credit card is not a success");
    } else {
      // FINISH_CANCEL without requestInfo: SDK 4.1.2 cannot tell it is the manual refund's.
      await idle(pos);
      const answered = pos.recorder.events.slice(from).filter((e) => e.kind === "onManualRefundResponse");
      expect(answered.length === 0, "SDK 4.1.2 cannot pair a FINISH_CANCEL without requestInfo");
    }
    pos.connector.dispose();
  },

  // Auths, tip adjusts and closeout (issue #17). With the real profile FINISH_OK carries no
  // `requestInfo`, so SDK 4.1.2 cannot report the auth itself (as for a sale, see `settle`): the
  // payment is then read with retrievePayment. Tip adjust and closeout answers carry no
  // requestInfo and are reported on both profiles.
  async auth_tip_adjust_closeout(ctx) {
    const pos = await direct(ctx.url);
    const auth = await authorize(ctx, pos, "auth", 2000, "AUTH");
    expect(auth.success === true, `the auth is approved, got ${auth.result}`);
    expect(auth.amount === 2000, `auth of 2000, got ${auth.amount}`);
    if (auth.response) {
      expect(auth.response.getIsAuth() === true, "the SDK flags it as an auth (isAuth)");
    }
    const payment = auth.payment;

    const closing = new clover.remotepay.CloseoutRequest();
    closing.setAllowOpenTabs(false);
    const refused = pos.recorder.fresh("onCloseoutResponse");
    pos.connector.closeout(closing);
    const no = await refused;
    expect(no.getSuccess() === false, "closeout is refused while the auth waits for its tip");
    expect(/open tabs/.test(no.getReason()), `the reason says why: ${no.getReason()}`);

    const adjust = new clover.remotepay.TipAdjustAuthRequest();
    adjust.setPaymentId(payment.getId());
    adjust.setOrderId(payment.getOrder().getId());
    adjust.setTipAmount(300);
    const adjusted = pos.recorder.fresh("onTipAdjustAuthResponse");
    pos.connector.tipAdjustAuth(adjust);
    const tip = await adjusted;
    expect(tip.getSuccess() === true, `tip adjust succeeds, got ${tip.getResult()} ${tip.getReason()} ${tip.getMessage()}`);
    expect(tip.getTipAmount() === 300, `tip of 300, got ${tip.getTipAmount()}`);
    expect(tip.getPaymentId() === payment.getId(), "the answer names the payment");
    const found = await retrievePayment(pos, auth.externalId);
    expect(found.getPayment().getTipAmount() === 300, `the payment carries the tip, got ${found.getPayment().getTipAmount()}`);

    const ok = pos.recorder.fresh("onCloseoutResponse");
    pos.connector.closeout(closing);
    const closed = await ok;
    expect(closed.getSuccess() === true, `closeout succeeds, got ${closed.getResult()} ${closed.getReason()}`);
    const batch = closed.getBatch();
    expect(batch && batch.getId(), "the batch has an id");
    expect(batch.getTxCount() === 1, `one payment in the batch, got ${batch.getTxCount()}`);
    expect(batch.getTotalBatchAmount() === 2300, `total 2300, got ${batch.getTotalBatchAmount()}`);
    expect(String(batch.getState()) === "CLOSED", `batch CLOSED, got ${batch.getState()}`);

    const late = pos.recorder.fresh("onTipAdjustAuthResponse");
    adjust.setTipAmount(500);
    pos.connector.tipAdjustAuth(adjust);
    expect((await late).getSuccess() === false, "no tip adjust after the batch closed");
    noDeviceErrors(pos);
    pos.connector.dispose();
  },

  async preauth_increment_capture(ctx) {
    const pos = await direct(ctx.url);
    const hold = await authorize(ctx, pos, "preAuth", 5000, "PRE");
    expect(hold.result === "AUTH" || hold.success === true, `the pre-auth is approved, got ${hold.result}`);
    if (hold.response) {
      expect(hold.response.getIsPreAuth() === true, "the SDK flags it as a pre-auth (isPreAuth)");
    }
    const payment = hold.payment;
    const listed = await retrievePayment(pos, hold.externalId);
    expect(String(listed.getPayment().getResult()) === "AUTH", `the hold is listed with result AUTH, got ${listed.getPayment().getResult()}`);

    const more = new clover.remotepay.IncrementPreAuthRequest();
    more.setPaymentId(payment.getId());
    more.setAmount(1000);
    const incremented = pos.recorder.fresh("onIncrementPreAuthResponse");
    pos.connector.incrementPreAuth(more);
    const inc = await incremented;
    expect(inc.getSuccess() === true, `increment succeeds, got ${inc.getResult()} ${inc.getReason()}`);
    expect(inc.getAuthorization().getAmount() === 6000, `the hold is now 6000, got ${inc.getAuthorization().getAmount()}`);

    const capture = new clover.remotepay.CapturePreAuthRequest();
    capture.setPaymentId(payment.getId());
    capture.setAmount(6500);
    capture.setTipAmount(0);
    const over = pos.recorder.fresh("onCapturePreAuthResponse");
    pos.connector.capturePreAuth(capture);
    expect((await over).getSuccess() === false, "a capture above the hold is refused");

    capture.setAmount(5800);
    capture.setTipAmount(700);
    const captured = pos.recorder.fresh("onCapturePreAuthResponse");
    pos.connector.capturePreAuth(capture);
    const done = await captured;
    expect(done.getSuccess() === true, `capture succeeds, got ${done.getResult()} ${done.getReason()} ${done.getMessage()}`);
    expect(done.getAmount() === 5800 && done.getTipAmount() === 700, `captured 5800 + 700, got ${done.getAmount()} + ${done.getTipAmount()}`);
    const after = (await retrievePayment(pos, hold.externalId)).getPayment();
    expect(String(after.getResult()) === "SUCCESS", `the payment is SUCCESS, got ${after.getResult()}`);
    expect(after.getAmount() === 5800 && after.getTipAmount() === 700, "the payment shows the captured amounts");

    const twice = pos.recorder.fresh("onCapturePreAuthResponse");
    pos.connector.capturePreAuth(capture);
    expect((await twice).getSuccess() === false, "a second capture is refused");
    noDeviceErrors(pos);
    pos.connector.dispose();
  },

  // The customer display, printing and receipt options (issue #18 item 7). None of these
  // requests has a callback of its own except the printers, the job status and the receipt
  // options; a refusal by the device (REMOTE_ERROR) reaches the SDK as onDeviceError, so every
  // scenario ends with noDeviceErrors.
  async display_order_shown_and_removed(ctx) {
    const pos = await direct(ctx.url);
    const two = displayOrder([["L1", "Coffee", "1", "$3.50"], ["L2", "Bagel", "1", "$2.25"]]);
    const shown = displayOrderState(pos, true);
    pos.connector.showDisplayOrder(two);
    await shown;
    // The cashier adds a line: the SDK sends the whole order again.
    const three = displayOrder([["L1", "Coffee", "1", "$3.50"], ["L2", "Bagel", "1", "$2.25"], ["L3", "Tea", "3", "$6.00"]]);
    const again = displayOrderState(pos, true);
    pos.connector.showDisplayOrder(three);
    await again;
    const removed = displayOrderState(pos, false);
    pos.connector.removeDisplayOrder(three);
    await removed;
    const status = await deviceStatus(pos, false);
    expect(status.getSuccess() === true, "the device answers after the display order");
    expect(String(status.getState()) === "IDLE", `the device is idle, got ${status.getState()}`);
    noDeviceErrors(pos);
    pos.connector.dispose();
  },

  async print_printers_and_job_status(ctx) {
    const pos = await direct(ctx.url);
    const request = new clover.remotepay.RetrievePrintersRequest();
    request.setCategory(sdkApi.printer.PrintCategory.RECEIPT);
    const answered = pos.recorder.fresh("onRetrievePrintersResponse");
    pos.connector.retrievePrinters(request);
    const printers = await answered;
    expect(printers.getSuccess() === true, `retrievePrinters succeeds, got ${printers.getResult()}`);
    const list = printers.getPrinters() || [];
    expect(list.length === 1, `one receipt printer, got ${JSON.stringify(list)}`);
    const printer = typeof list[0] === "string" ? JSON.parse(list[0]) : list[0];
    const printerId = typeof printer.getId === "function" ? printer.getId() : printer.id;
    expect(printerId === "SIMPRINTER01", `the built-in printer, got ${JSON.stringify(list[0])}`);

    const job = externalId("JOB");
    const print = new clover.remotepay.PrintRequest();
    print.setText(["Conformance cafe", "1 x Coffee      3.50", "TOTAL           3.50"]);
    print.setPrintRequestId(job);
    print.setPrintDeviceId(printerId);
    pos.connector.print(print);
    const status = await printJobStatus(pos, job);
    expect(status.getSuccess() === true, `retrievePrintJobStatus succeeds, got ${status.getResult()}`);
    expect(String(status.getStatus()) === "DONE", `the job is DONE, got ${status.getStatus()}`);
    const unknown = await printJobStatus(pos, externalId("NOJOB"));
    expect(String(unknown.getStatus()) === "NOT_FOUND", `an unknown job is NOT_FOUND, got ${unknown.getStatus()}`);
    noDeviceErrors(pos);
    pos.connector.dispose();
  },

  async receipt_options_after_a_sale(ctx) {
    const pos = await direct(ctx.url);
    const sale = await settle(ctx, pos, await sell(pos, 1200, "RCPT"));
    expect(sale.success === true, "the sale is approved");
    const paymentId = sale.payment.getId();
    const orderId = sale.payment.getOrder().getId();
    // SDK 4.x: displayReceiptOptions (SHOW_RECEIPT_OPTIONS).
    const request = new clover.remotepay.DisplayReceiptOptionsRequest();
    request.setOrderId(orderId);
    request.setPaymentId(paymentId);
    const first = receiptOptionsAnswer(pos);
    pos.connector.displayReceiptOptions(request);
    const answer = await first;
    expect(answer.getSuccess() === true, `displayReceiptOptions succeeds, got ${answer.getResult()} ${answer.getReason()}`);
    // displayPaymentReceiptOptions (SHOW_PAYMENT_RECEIPT_OPTIONS v2): SDK 4.1.2 keeps the
    // device call (DefaultCloverDevice.doShowPaymentReceiptScreen) but no longer exposes the
    // connector method of the 1.x/3.x SDKs; this is the frame that method sent.
    const second = receiptOptionsAnswer(pos);
    pos.connector.device.doShowPaymentReceiptScreen(orderId, paymentId);
    const payment = await second;
    expect(payment.getSuccess() === true, `payment receipt options succeed, got ${payment.getResult()} ${payment.getReason()}`);
    // A payment the device does not know: a failure with its reason, not a success.
    const third = receiptOptionsAnswer(pos);
    const unknown = new clover.remotepay.DisplayReceiptOptionsRequest();
    unknown.setOrderId(orderId);
    unknown.setPaymentId("NOSUCHPAYMENT1");
    pos.connector.displayReceiptOptions(unknown);
    const refused = await third;
    expect(refused.getSuccess() === false, "receipt options for an unknown payment fail");
    expect(String(refused.getReason()) === "PAYMENT_NOT_FOUND", `reason PAYMENT_NOT_FOUND, got ${refused.getReason()}`);
    noDeviceErrors(pos);
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

  async cloud_connect_sale_already_connected_force(ctx) {
    const { server, accessToken, merchantId } = ctx;
    const first = cloud(server, { friendlyId: "register-1", accessToken, merchantId });
    await first.recorder.next("onDeviceReady");
    expect((await settle(ctx, first, await sell(first, 2000, "CLOUD"))).success === true, "cloud sale approved");

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
    expect((await settle(ctx, third, await sell(third, 2100, "FORCE"))).success === true, "the new POS can sell");
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
