#!/usr/bin/env node
// Read an xlsx with SheetJS (npm package "xlsx", 0.18.5) and print what it holds, as one line of JSON:
//
//   node tests/sheetjs_dump.js FILE.xlsx
//   {"sheets": [{"name": "Staff", "cells": [["A1", "s", "Employee ID", false], ["B2", "n", 45352, true], ...]}]}
//
// Each cell is [address, type, value, has_formula]: type "n" number (dates are serial numbers),
// "s" text, "b" boolean, "e" error (the value is its text, "#N/A"); a formula cell's value is its
// cached value. Empty cells are left out. SheetJS is found through the environment variable
// XL_KENT_SHEETJS (the folder of the package, e.g. ~/.cache/xl-kent-node/node_modules/xlsx: see
// .ci/run), else by node's own module search. A file SheetJS refuses exits 1 with its message.
"use strict";

const fs = require("fs");

const XLSX = require(process.env.XL_KENT_SHEETJS || "xlsx");
const ERRORS = { 0x00: "#NULL!", 0x07: "#DIV/0!", 0x0f: "#VALUE!", 0x17: "#REF!", 0x1d: "#NAME?", 0x24: "#NUM!",
  0x2a: "#N/A", 0x2b: "#GETTING_DATA" };

function dump(path) {
  const book = XLSX.read(fs.readFileSync(path), { type: "buffer", cellFormula: true, cellText: false,
    cellDates: false, cellStyles: false, cellHTML: false, WTF: true });
  return {
    version: XLSX.version,
    sheets: book.SheetNames.map((name) => {
      const sheet = book.Sheets[name];
      const cells = [];
      for (const address of Object.keys(sheet)) {
        if (address[0] === "!") continue;
        const c = sheet[address];
        if (c.t === "z") continue;
        let value = c.v;
        if (c.t === "e") value = ERRORS[c.v] !== undefined ? ERRORS[c.v] : `#ERROR(${c.v})`;
        else if (c.t === "d") value = c.v instanceof Date ? c.v.toISOString() : String(c.v);
        else if (c.t === "n" && !Number.isFinite(value)) value = String(value);
        cells.push([address, c.t, value, c.f !== undefined]);
      }
      return { name, cells };
    }),
  };
}

try {
  process.stdout.write(JSON.stringify(dump(process.argv[2])) + "\n");
} catch (e) {
  process.stderr.write(`SheetJS cannot read ${process.argv[2]}: ${e && e.message ? e.message : e}\n`);
  process.exit(1);
}
