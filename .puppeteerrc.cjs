// puppeteer-core never downloads a browser on install; `npm run setup` fetches one
// (Puppeteer's own download, or Debian's chromium) only when none is found.
module.exports = { skipDownload: true };
