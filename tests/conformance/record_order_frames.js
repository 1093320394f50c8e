// Records the frames the official JS SDK (remote-pay-cloud 4.1.2) writes for the customer-display
// and printing requests, through the SDK's own DefaultCloverDevice do* methods and serializer, into
// tests/fixtures/official-js-sdk-4.1.2-order-frames.jsonl (one frame per line). The order is the
// one tests/order_display_golden.rs builds with till's order model.
//
//   NODE_PATH=path/to/node_modules node tests/conformance/record_order_frames.js > tests/fixtures/official-js-sdk-4.1.2-order-frames.jsonl
"use strict";

const clover = require("remote-pay-cloud");
const sdk = require("remote-pay-cloud-api");
const { DefaultCloverDevice } = require("remote-pay-cloud/dist/com/clover/remote/client/device/DefaultCloverDevice");

const frames = [];
const device = Object.create(DefaultCloverDevice.prototype);
device.applicationId = "com.example.tuipos:0.1.0";
device.packageName = "com.clover.remote_protocol_broadcast.app";
device.remoteMessageVersion = 1;
device.logger = { debug() {}, info() {}, warn() {}, error(m) { throw new Error(m); } };
device.transport = { sendMessage: (m) => frames.push(m) };
void clover;

function line(id, name, quantity, unitPrice, price) {
  const l = new sdk.order.DisplayLineItem();
  l.setId(id);
  l.setOrderId("O1");
  l.setName(name);
  l.setQuantity(quantity);
  l.setUnitPrice(unitPrice);
  l.setPrice(price);
  return l;
}

function order(lines, discounts, subtotal, tax, total) {
  const o = new sdk.order.DisplayOrder();
  o.setId("O1");
  o.setCurrency("USD");
  o.setSubtotal(subtotal);
  o.setTax(tax);
  o.setTotal(total);
  o.setTitle("Thank you for shopping");
  o.setDiscounts(discounts);
  o.setLineItems(lines);
  return o;
}

function ids(Op, list) {
  const op = new Op();
  op.setIds(list);
  op.setOrderId("O1");
  return op;
}

const coffee = line("L1", "Coffee", "2", "$3.50", "$7.00");
const bagel = line("L2", "Bagel", "1", "$2.25", "$2.25");
const promo = new sdk.order.DisplayDiscount();
promo.setId("D1");
promo.setName("Promo");
promo.setAmount("-$1.00");

// 1. first line added (order rate 10 %: 7.00 → tax 0.70)
device.doOrderUpdate(order([coffee], [], "$7.00", "$0.70", "$7.70"),
  ids(sdk.order.operation.LineItemsAddedOperation, ["L1"]));
// 2. second line added: 9.25 → tax 0.93 (0.925 half-up)
device.doOrderUpdate(order([coffee, bagel], [], "$9.25", "$0.93", "$10.18"),
  ids(sdk.order.operation.LineItemsAddedOperation, ["L2"]));
// 3. discount added: net 8.25 → tax 0.83 (0.825 half-up)
device.doOrderUpdate(order([coffee, bagel], [promo], "$9.25", "$0.83", "$9.08"),
  ids(sdk.order.operation.DiscountsAddedOperation, ["D1"]));
// 4. discount removed
device.doOrderUpdate(order([coffee, bagel], [], "$9.25", "$0.93", "$10.18"),
  ids(sdk.order.operation.DiscountsDeletedOperation, ["D1"]));
// 5. first line removed: 2.25 → tax 0.23 (0.225 half-up)
device.doOrderUpdate(order([bagel], [], "$2.25", "$0.23", "$2.48"),
  ids(sdk.order.operation.LineItemsDeletedOperation, ["L1"]));
// 6. whole order shown again (a line edited in place): showDisplayOrder
device.doOrderUpdate(order([bagel], [], "$2.25", "$0.23", "$2.48"), null);
// 7. removeDisplayOrder
const deleted = new sdk.order.operation.OrderDeletedOperation();
deleted.setId("O1");
device.doOrderUpdate(order([bagel], [], "$2.25", "$0.23", "$2.48"), deleted);
// 8. print text, job status, printers, receipt options
device.doPrintText(["Till Cafe", "Bagel    1 x 2.25    2.25", "TOTAL              2.48"], "J1", null);
device.doRetrievePrintJobStatus("J1");
device.doRetrievePrinters("RECEIPT");
device.doShowPaymentReceiptScreen("ORDER1", "PAY1");

for (const f of frames) {
  process.stdout.write(f + "\n");
}
