// Data loader: what the API versions page quotes (the notes' list and binding, the legacy manifest,
// where answers go), taken from the lab's constants so that the page and the checks never disagree.
// It carries no answer: the page must not give away what the learner is asked to find.
import { ANSWERS, APP, LEGACY, LEGACY_KINDS, NOTES_API_VERSIONS, OLD_BINDING } from '../../checks/api-versions/constants.ts';
import { legacyManifest } from '../../checks/api-versions/manifests.ts';
import { WORKLOAD_IMAGE } from '../../src/cluster/workload.ts';

process.stdout.write(
  JSON.stringify(
    {
      notes: NOTES_API_VERSIONS,
      kinds: LEGACY_KINDS,
      answers: ANSWERS,
      legacy: { ...LEGACY, text: legacyManifest(WORKLOAD_IMAGE) },
      app: { namespace: APP.namespace, name: APP.name },
      oldBinding: OLD_BINDING,
    },
    null,
    2,
  ),
);
