"use client";
// A client component: the package's browser build in the page; the report lands in window.result.
import { useEffect } from "react";
import * as inbox from "linkedin-inbox";
import { inboxReport } from "../app.js";

export default function Report() {
  useEffect(() => {
    inboxReport(inbox).then((r) => { window.result = r; }, (e) => { window.result = { failure: String(e) }; });
  }, []);
  return <p>linkedin-inbox in a client component</p>;
}
