// CommonJS Node entry: the same report through require().
const inbox = require("linkedin-inbox");

import("./app.js")
  .then(({ inboxReport }) => inboxReport(inbox))
  .then((r) => console.log(JSON.stringify(r)), (e) => console.log(JSON.stringify({ failure: String(e) })));
