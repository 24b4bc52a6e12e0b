// CommonJS entry for Node (`require("linkedin-inbox")`).
module.exports = require("./linkedin_inbox.js");
