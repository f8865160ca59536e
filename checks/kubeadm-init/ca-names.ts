// The certificate authorities kubeadm init phase certs makes, and the names a learner may give
// them: the subject CN openssl prints, the name kubeadm certs check-expiration uses, or the file.

/** Each CA by its subject CN, with the other names it goes by. */
const CAS: Record<string, string[]> = {
  kubernetes: ['ca', 'ca.crt', 'pki/ca.crt'],
  'front-proxy-ca': ['front-proxy-ca.crt', 'pki/front-proxy-ca.crt'],
  'etcd-ca': ['etcd/ca', 'etcd/ca.crt', 'pki/etcd/ca.crt'],
};

export const CA_COMMON_NAMES = Object.keys(CAS).sort();

/** The CAs an answer names, by CN, sorted; words that name none are returned apart. */
export function namedCas(words: string[]): { cas: string[]; unknown: string[] } {
  const cas = new Set<string>();
  const unknown: string[] = [];
  for (const word of words.map((w) => w.toLowerCase().replace(/^(subject=)?cn=/, ''))) {
    // What openssl prints around the name (subject=CN = kubernetes) is no answer and no mistake.
    if (/^(subject=)?(cn)?=?$/.test(word)) continue;
    const cn = Object.entries(CAS).find(([name, aliases]) => name === word || aliases.includes(word))?.[0];
    if (cn) cas.add(cn);
    else unknown.push(word);
  }
  return { cas: [...cas].sort(), unknown };
}
