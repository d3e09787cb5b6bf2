// HTTP helpers for the REST side of the contract (protocol.md section 2).

async function errorOf(res) {
  let msg = `${res.status}`;
  try {
    const body = await res.json();
    if (body && body.error) msg = body.error.message || body.error.code || msg;
  } catch (_) { /* not JSON */ }
  const e = new Error(msg);
  e.status = res.status;
  return e;
}

export async function createWorkshop(body) {
  const res = await fetch('/api/workshops', {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(body),
  });
  if (!res.ok) throw await errorOf(res);
  return res.json();
}

export async function fetchPrompts(language) {
  try {
    const res = await fetch(`/api/prompts?language=${encodeURIComponent(language)}`);
    if (!res.ok) return null;
    const body = await res.json();
    if (!body || !Array.isArray(body.prompts)) return null;
    return body.prompts.map((p) => (typeof p === 'string' ? p : p.text)).filter(Boolean);
  } catch (_) {
    return null;
  }
}

export function qrUrl(code) {
  return `/api/workshops/${encodeURIComponent(code)}/qr.svg`;
}

// Fetch an export with the facilitator key in a header and hand it to the
// browser as a download (the key never goes into a URL).
export async function downloadExport(code, key, format) {
  const res = await fetch(`/api/workshops/${encodeURIComponent(code)}/export?format=${format}`, {
    headers: { Authorization: `Bearer ${key}` },
  });
  if (!res.ok) throw await errorOf(res);
  const blob = await res.blob();
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = `brug-${code}.${format}`;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10000);
  return blob;
}
