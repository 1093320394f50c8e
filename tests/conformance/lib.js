// Harness for driving a `till sim` with the official Clover JS SDK (remote-pay-cloud 4.1.2)
// under Node, the way the SDK's Node examples do: a `ws`-based CloverWebSocketInterface and an
// XMLHttpRequest stand-in built on Node's http module (the SDK's HttpSupport needs one).
"use strict";

const http = require("http");
const WebSocket = require("ws");
const clover = require("remote-pay-cloud");

const PATIENCE_MS = 10000;
const APP_ID = "com.example.till-conformance";

/** The `ws` WebSocket factory the SDK calls (cf. the SDK's Node example). */
class NodeWebSocket extends clover.CloverWebSocketInterface {
  constructor(endpoint) {
    super(endpoint);
  }
  createWebSocket(endpoint, accessToken) {
    return accessToken ? new WebSocket(endpoint, [accessToken]) : new WebSocket(endpoint);
  }
  sendPong() {
    return this;
  }
  sendPing() {
    return this;
  }
}
const webSocketFactory = (endpoint) => new NodeWebSocket(endpoint);

/** Just enough of XMLHttpRequest for the SDK's HttpSupport, on Node's http module. */
class NodeXhr {
  constructor() {
    this.readyState = 0;
    this.status = 0;
    this.responseText = "";
    this.headers = {};
    this.responseHeaders = {};
    this.onreadystatechange = null;
  }
  open(method, url) {
    this.method = method;
    this.url = url;
    this.readyState = 1;
  }
  setRequestHeader(name, value) {
    this.headers[name] = value;
  }
  getResponseHeader(name) {
    const value = this.responseHeaders[name.toLowerCase()];
    return value === undefined ? null : value;
  }
  send(body) {
    const request = http.request(this.url, { method: this.method, headers: this.headers }, (response) => {
      let text = "";
      response.setEncoding("utf8");
      response.on("data", (chunk) => (text += chunk));
      response.on("end", () => {
        this.status = response.statusCode;
        this.responseHeaders = response.headers;
        this.responseText = text;
        this.readyState = 4;
        if (this.onreadystatechange) this.onreadystatechange();
      });
    });
    request.on("error", () => {
      this.status = 0;
      this.readyState = 4;
      if (this.onreadystatechange) this.onreadystatechange();
    });
    if (body) request.write(body);
    request.end();
  }
}

/** Records every listener callback and lets a scenario wait for one. */
class Recorder extends clover.remotepay.ICloverConnectorListener {
  constructor(name) {
    super();
    this.name = name;
    this.events = [];
    this.waiters = [];
    this.auto = {};
    const callbacks = [
      "onDeviceConnected", "onDeviceReady", "onDeviceDisconnected", "onDeviceError", "onSaleResponse",
      "onConfirmPaymentRequest", "onVerifySignatureRequest", "onRetrievePaymentResponse",
      "onRetrieveDeviceStatusResponse", "onResetDeviceResponse", "onDeviceActivityStart",
      "onDeviceActivityEnd", "onTipAdded", "onRefundPaymentResponse", "onVoidPaymentResponse",
      "onManualRefundResponse", "onAuthResponse", "onPreAuthResponse", "onCapturePreAuthResponse",
      "onIncrementPreAuthResponse", "onTipAdjustAuthResponse", "onCloseoutResponse",
      "onRetrievePrintersResponse", "onPrintJobStatusResponse", "onDisplayReceiptOptionsResponse",
    ];
    for (const cb of callbacks) {
      this[cb] = (arg) => this.record(cb, arg);
    }
  }
  record(kind, arg) {
    const event = { kind, arg, index: this.events.length };
    this.events.push(event);
    if (this.auto[kind]) this.auto[kind](arg);
    this.waiters = this.waiters.filter((w) => {
      if (w.kind === kind && event.index >= w.from && w.pred(arg)) {
        clearTimeout(w.timer);
        w.resolve(arg);
        return false;
      }
      return true;
    });
  }
  /** Resolves with the first `kind` event (from index `from`) matching `pred`. */
  next(kind, pred = () => true, from = 0) {
    const past = this.events.find((e) => e.kind === kind && e.index >= from && pred(e.arg));
    if (past) return Promise.resolve(past.arg);
    return new Promise((resolve, reject) => {
      const waiter = { kind, pred, from, resolve };
      waiter.timer = setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w !== waiter);
        reject(new Error(`${this.name}: no ${kind} within ${PATIENCE_MS} ms; saw ${this.kinds().join(", ")}`));
      }, PATIENCE_MS);
      this.waiters.push(waiter);
    });
  }
  /** Waits for the next `kind` event after everything recorded so far. */
  fresh(kind, pred = () => true) {
    return this.next(kind, pred, this.events.length);
  }
  kinds() {
    return this.events.map((e) => e.kind);
  }
  count(kind) {
    return this.events.filter((e) => e.kind === kind).length;
  }
}

function expect(condition, message) {
  if (!condition) throw new Error(`expectation failed: ${message}`);
}

function connectorFor(config) {
  const factory = clover.CloverConnectorFactoryBuilder.createICloverConnectorFactory({
    [clover.CloverConnectorFactoryBuilder.FACTORY_VERSION]: clover.CloverConnectorFactoryBuilder.VERSION_12,
  });
  return factory.createICloverConnector(config);
}

/** A direct (SNPD) POS: pairs (with `authToken` if given) and waits until ready. */
async function direct(url, { authToken = null, name = "direct" } = {}) {
  const recorder = new Recorder(name);
  const pairing = { codes: [], tokens: [] };
  const config = new clover.WebSocketPairedCloverDeviceConfiguration(
    url, APP_ID, "till conformance", "LANE-1", authToken,
    (code) => pairing.codes.push(code),
    (token) => pairing.tokens.push(token),
    webSocketFactory, new clover.ImageUtil(),
  );
  const connector = connectorFor(config);
  connector.addCloverConnectorListener(recorder);
  connector.initializeConnection();
  await recorder.next("onDeviceReady");
  return { connector, recorder, pairing };
}

/** A cloud (CPD) POS through the emulated Clover server. */
function cloud(serverUrl, { friendlyId, forceConnect = false, accessToken, merchantId, deviceId = "default", name }) {
  const recorder = new Recorder(name || friendlyId);
  const config = new clover.WebSocketCloudCloverDeviceConfiguration(
    APP_ID, webSocketFactory, new clover.ImageUtil(), serverUrl, accessToken,
    new clover.HttpSupport(NodeXhr), merchantId, deviceId, friendlyId, forceConnect,
  );
  const connector = connectorFor(config);
  connector.addCloverConnectorListener(recorder);
  connector.initializeConnection();
  return { connector, recorder };
}

function saleRequest(amount, externalId) {
  const request = new clover.remotepay.SaleRequest();
  request.setAmount(amount);
  request.setExternalId(externalId);
  request.setAutoAcceptSignature(false);
  request.setAutoAcceptPaymentConfirmations(false);
  request.setDisableRestartTransactionOnFail(true);
  return request;
}

function externalId(tag) {
  return `${tag}${Date.now().toString(36)}${Math.floor(Math.random() * 1e6).toString(36)}`.slice(0, 32).toUpperCase();
}

function sleep(ms) {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

module.exports = { clover, direct, cloud, saleRequest, externalId, expect, sleep, Recorder, PATIENCE_MS };
