// Node entry (run as is, or bundled by a server bundler): prints the report as JSON.
import * as inbox from "linkedin-inbox";
import { inboxReport } from "./app.js";

inboxReport(inbox).then((r) => console.log(JSON.stringify(r)), (e) => console.log(JSON.stringify({ failure: String(e) })));
