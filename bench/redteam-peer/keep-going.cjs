// promptfoo afterEach extension for bench/redteam-peer/run.sh. promptfoo 0.123.1 aborts a whole eval the first time a
// target answers 401, 403, 404 or 501 ("Target is unavailable and will not recover on retry"), and Bastion answers a
// refused attack with 403. This hook moves the HTTP status of a 4xx reply out of the field that check reads
// (response.metadata.http.status) into response.metadata.http.refusedStatus, so the eval goes on and summarize.py
// still sees the refusal. It changes nothing else.
module.exports = function afterEach(context) {
  const http = context?.result?.response?.metadata?.http;
  if (http && typeof http.status === 'number' && http.status >= 400 && http.status < 500) {
    http.refusedStatus = http.status;
    delete http.status;
  }
  return context;
};
