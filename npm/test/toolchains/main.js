// Browser entry: the package's default import (top-level await inside the package).
import * as inbox from "linkedin-inbox";
import { inboxReport } from "./app.js";

inboxReport(inbox).then((r) => { window.result = r; }, (e) => { window.result = { failure: String(e) }; });
