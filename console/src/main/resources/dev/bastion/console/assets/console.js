// The console's one script module. It checks audit proofs in this browser: RFC 9162 inclusion and consistency
// proofs over SHA-256 and the Ed25519 signature of the checkpoint, with WebCrypto. The server sends records,
// proofs, checkpoints and the public key; it never says whether they verify. Where this browser cannot check
// (no WebCrypto, or an ML-DSA checkpoint) the page says "not verified here". On the live traffic page it shows
// request metadata from the console's same-origin Server-Sent Events stream, with a pause button. No other page
// needs this script.

const HEADER = 'bastion-audit-checkpoint/v1';
const text = new TextEncoder();

export function fromBase64(s) {
  const bin = atob(s);
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

function toHex(bytes) {
  return Array.from(bytes, b => b.toString(16).padStart(2, '0')).join('');
}

function same(a, b) {
  if (a.length !== b.length) return false;
  let d = 0;
  for (let i = 0; i < a.length; i++) d |= a[i] ^ b[i];
  return d === 0;
}

async function sha256(...parts) {
  const all = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) { all.set(p, at); at += p.length; }
  return new Uint8Array(await crypto.subtle.digest('SHA-256', all));
}

/** RFC 9162 2.1.1: the hash of one record, SHA-256(0x00 || record). */
export function leafHash(record) {
  return sha256(Uint8Array.of(0), record);
}

function nodeHash(left, right) {
  return sha256(Uint8Array.of(1), left, right);
}

/*
 * RFC 9162 2.1.3.2: verifying an inclusion proof. fn is the leaf's index and sn the last index; walking up, a
 * proof hash goes on the left when fn is a right child or the last node of its level. BigInt keeps the bit
 * operations right past 2^31 records.
 */
export async function verifyInclusion(index, size, leaf, proof, root) {
  if (index < 0 || index >= size) return false;
  let fn = BigInt(index);
  let sn = BigInt(size) - 1n;
  let r = leaf;
  for (const p of proof) {
    if (sn === 0n) return false;
    if ((fn & 1n) === 1n || fn === sn) {
      r = await nodeHash(p, r);
      while ((fn & 1n) === 0n && fn !== 0n) { fn >>= 1n; sn >>= 1n; }
    } else {
      r = await nodeHash(r, p);
    }
    fn >>= 1n;
    sn >>= 1n;
  }
  return sn === 0n && same(r, root);
}

/* RFC 9162 2.1.4.2: verifying a consistency proof between the trees of oldSize and newSize leaves. */
export async function verifyConsistency(oldSize, newSize, proof, oldRoot, newRoot) {
  if (oldSize < 1 || oldSize > newSize) return false;
  if (oldSize === newSize) return proof.length === 0 && same(oldRoot, newRoot);
  if (proof.length === 0) return false;
  const o = BigInt(oldSize);
  const path = (o & (o - 1n)) === 0n ? [oldRoot, ...proof] : proof; // a power of two: the old root is a node
  let fn = BigInt(oldSize) - 1n;
  let sn = BigInt(newSize) - 1n;
  while ((fn & 1n) === 1n) { fn >>= 1n; sn >>= 1n; }
  let fr = path[0];
  let sr = path[0];
  for (const c of path.slice(1)) {
    if (sn === 0n) return false;
    if ((fn & 1n) === 1n || fn === sn) {
      fr = await nodeHash(c, fr);
      sr = await nodeHash(c, sr);
      while ((fn & 1n) === 0n && fn !== 0n) { fn >>= 1n; sn >>= 1n; }
    } else {
      sr = await nodeHash(sr, c);
    }
    fn >>= 1n;
    sn >>= 1n;
  }
  return sn === 0n && same(fr, oldRoot) && same(sr, newRoot);
}

/** Parses a checkpoint's six lines; throws an Error naming the line when they are not one. */
export function parseCheckpoint(cpText) {
  const lines = cpText.trim().split('\n');
  if (lines.length !== 6 || lines[0] !== HEADER) throw new Error('not a ' + HEADER + ' checkpoint (6 lines)');
  const field = (line, name) => {
    if (!line.startsWith(name + ' ')) throw new Error("expected a '" + name + "' line");
    return line.slice(name.length + 1);
  };
  const origin = field(lines[1], 'origin');
  const size = Number(field(lines[2], 'size'));
  const root = fromBase64(field(lines[3], 'root'));
  field(lines[4], 'time');
  const sig = field(lines[5], 'sig').split(' ');
  if (!Number.isSafeInteger(size) || size < 0 || root.length !== 32 || sig.length !== 3) {
    throw new Error('malformed checkpoint');
  }
  return { origin, size, root, keyId: sig[0], algorithm: sig[1], signature: fromBase64(sig[2]),
    body: lines.slice(0, 5).join('\n') + '\n' };
}

/**
 * Whether the checkpoint is signed by the key whose X.509 SubjectPublicKeyInfo is spki: 'valid', 'invalid', or
 * 'unsupported' (an algorithm or a browser this code cannot check with).
 */
export async function checkSignature(cp, spki) {
  if (!globalThis.crypto || !crypto.subtle) return 'unsupported';
  if (cp.algorithm.toLowerCase() !== 'ed25519') return 'unsupported';
  if (toHex((await sha256(spki)).slice(0, 8)) !== cp.keyId) return 'invalid';
  let key;
  try {
    key = await crypto.subtle.importKey('spki', spki, { name: 'Ed25519' }, false, ['verify']);
  } catch (e) {
    return 'unsupported';
  }
  return (await crypto.subtle.verify({ name: 'Ed25519' }, key, cp.signature, text.encode(cp.body))) ? 'valid' : 'invalid';
}

/** Checks a proof answer of /audit/proof: {state: verified | failed | not-verified, message}. */
export async function checkRecord(data) {
  if (!globalThis.crypto || !crypto.subtle) {
    return { state: 'not-verified', message: 'not verified here: this browser offers no WebCrypto on this page' };
  }
  let cp;
  try { cp = parseCheckpoint(data.checkpoint); } catch (e) { return { state: 'failed', message: 'failed: ' + e.message }; }
  const signature = await checkSignature(cp, fromBase64(data.public_key));
  if (signature === 'unsupported') {
    return { state: 'not-verified', message: 'not verified here: this browser cannot check ' + cp.algorithm + ' signatures' };
  }
  if (signature !== 'valid') return { state: 'failed', message: 'failed: the checkpoint signature does not verify' };
  const leaf = await leafHash(fromBase64(data.record));
  const ok = await verifyInclusion(data.index, cp.size, leaf, data.proof.map(fromBase64), cp.root);
  return ok ? { state: 'verified', message: 'verified in this browser: record ' + data.index + ' is in the signed log of '
      + cp.size + ' records (key ' + cp.keyId + ')' }
    : { state: 'failed', message: 'failed: record ' + data.index + ' is not in the signed log' };
}

/** Checks that the log grew only by appends since an older checkpoint, given /audit/consistency's answer. */
export async function checkConsistency(olderText, data) {
  if (!globalThis.crypto || !crypto.subtle) {
    return { state: 'not-verified', message: 'not verified here: this browser offers no WebCrypto on this page' };
  }
  let older, latest;
  try {
    older = parseCheckpoint(olderText);
    latest = parseCheckpoint(data.checkpoint);
  } catch (e) {
    return { state: 'failed', message: 'failed: ' + e.message };
  }
  const spki = fromBase64(data.public_key);
  const signatures = [await checkSignature(older, spki), await checkSignature(latest, spki)];
  if (signatures.includes('unsupported')) {
    return { state: 'not-verified', message: 'not verified here: this browser cannot check these signatures' };
  }
  if (signatures.includes('invalid')) return { state: 'failed', message: 'failed: a checkpoint signature does not verify' };
  const ok = await verifyConsistency(older.size, latest.size, data.proof.map(fromBase64), older.root, latest.root);
  return ok ? { state: 'verified', message: 'verified in this browser: the log of ' + latest.size
      + ' records extends the older checkpoint of ' + older.size + ' records' }
    : { state: 'failed', message: 'failed: the log is not an extension of the older checkpoint' };
}

function say(result) {
  const status = document.getElementById('verify-status');
  status.textContent = result.message.charAt(0).toUpperCase() + result.message.slice(1) + '.';
  status.dataset.state = result.state;
}

async function fetchJson(url) {
  const res = await fetch(url, { credentials: 'same-origin', headers: { Accept: 'application/json' } });
  const body = await res.json();
  if (!res.ok) throw new Error(body.error || ('HTTP ' + res.status));
  return body;
}

function reveal() {
  document.querySelectorAll('button.verify').forEach(b => { b.hidden = false; });
  const form = document.getElementById('consistency-form');
  if (form) form.hidden = false;
}

function wireAuditPage() {
  if (!document.getElementById('verify-status')) return;
  if (!globalThis.crypto || !crypto.subtle) {
    say({ state: 'not-verified', message: 'not verified here: this browser offers no WebCrypto on this page '
      + '(it needs HTTPS or this machine)' });
    return;
  }
  reveal();
  document.body.addEventListener('htmx:afterSettle', reveal);
  document.addEventListener('click', async event => {
    const button = event.target.closest('button.verify');
    if (!button) return;
    try {
      say(await checkRecord(await fetchJson('/audit/proof?index=' + encodeURIComponent(button.dataset.index))));
    } catch (e) {
      say({ state: 'not-verified', message: 'not verified here: ' + e.message });
    }
  });
  const consistencyForm = document.getElementById('consistency-form'); // on the audit log page only
  if (!consistencyForm) return;
  consistencyForm.addEventListener('submit', async event => {
    event.preventDefault();
    const olderText = document.getElementById('older').value;
    try {
      const older = parseCheckpoint(olderText);
      say(await checkConsistency(olderText, await fetchJson('/audit/consistency?size=' + older.size)));
    } catch (e) {
      say({ state: 'failed', message: 'failed: ' + e.message });
    }
  });
}

wireAuditPage();

/* Live traffic: request metadata from the same-origin SSE stream, newest first, with a pause button. */
const LIVE_ROWS = 200;
const LIVE_HELD = 500;
const LIVE_FIELDS = ['time', 'key', 'tenant', 'model', 'endpoint', 'location', 'decision', 'status', 'latency_ms', 'tokens'];

function liveRow(e) {
  const tr = document.createElement('tr');
  tr.dataset.requestId = e.request_id;
  const values = { ...e, key: e.key_label ? e.key_id + ' (' + e.key_label + ')' : e.key_id };
  for (const field of LIVE_FIELDS) {
    const td = document.createElement('td');
    td.textContent = String(values[field] ?? '');
    if (['status', 'latency_ms', 'tokens'].includes(field)) td.className = 'num';
    tr.appendChild(td);
  }
  return tr;
}

function wireLivePage() {
  const section = document.getElementById('live');
  if (!section || typeof EventSource === 'undefined') return;
  const rows = document.getElementById('live-rows');
  const status = document.getElementById('live-status');
  const pause = document.getElementById('live-pause');
  let paused = false;
  let held = [];
  let heldDropped = 0;
  let serverDropped = 0;
  const tell = (state, message) => {
    status.dataset.state = state;
    status.textContent = message + (serverDropped > 0
      ? ' The server dropped ' + serverDropped + ' events this browser did not take in time.' : '');
  };
  const show = e => {
    rows.insertBefore(liveRow(e), rows.firstChild);
    while (rows.children.length > LIVE_ROWS) rows.removeChild(rows.lastChild);
  };
  const source = new EventSource(section.dataset.src);
  source.addEventListener('open', () => { if (!paused) tell('live', 'Live: new requests appear at the top.'); });
  source.addEventListener('request', message => {
    const e = JSON.parse(message.data);
    if (paused) {
      held.push(e);
      if (held.length > LIVE_HELD) { held.shift(); heldDropped++; }
      tell('paused', 'Paused: ' + held.length + ' new requests held' + (heldDropped ? ' (' + heldDropped + ' older ones dropped).' : '.'));
    } else {
      show(e);
    }
  });
  source.addEventListener('dropped', message => {
    serverDropped += JSON.parse(message.data).dropped;
    tell(paused ? 'paused' : 'live', paused ? 'Paused.' : 'Live: new requests appear at the top.');
  });
  source.addEventListener('error', () => {
    if (source.readyState === EventSource.CLOSED) {
      tell('closed', 'The stream ended (your session may have ended): reload the page.');
    } else {
      tell('reconnecting', 'Reconnecting…');
    }
  });
  pause.hidden = false;
  pause.addEventListener('click', () => {
    paused = !paused;
    pause.setAttribute('aria-pressed', String(paused));
    pause.textContent = paused ? 'Resume' : 'Pause';
    if (paused) {
      tell('paused', 'Paused: 0 new requests held.');
    } else {
      held.forEach(show);
      held = [];
      heldDropped = 0;
      tell('live', 'Live: new requests appear at the top.');
    }
  });
  tell('connecting', 'Connecting…');
}

wireLivePage();
