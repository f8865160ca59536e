// The smallest complete lab (see checks/README.md): one exercise, one check. The learner records
// a greeting in a ConfigMap; the check judges only the end state, so kubectl create, kubectl
// apply, kubectl edit or a client library all pass.
import type { V1ConfigMap } from '@kubernetes/client-node';
import { defineLab, fail, namespaceManifests, pass, readObject } from '../../../src/engine/sdk.ts';

const NAMESPACE = 'hello';
const NAME = 'greeting';
const MESSAGE = 'hello, world';

export default defineLab({
  id: 'hello',
  title: 'Hello, ConfigMap',
  summary: 'Record a greeting in a ConfigMap.',
  shape: {},
  async setup(ctx) {
    await ctx.apply(namespaceManifests(NAMESPACE));
  },
  exercises: [
    {
      id: 'greet',
      title: 'Say hello',
      task: `Create ConfigMap ${NAME} in namespace ${NAMESPACE} whose key "message" says "${MESSAGE}".`,
      checks: [
        {
          id: 'message',
          title: `ConfigMap ${NAME} says "${MESSAGE}"`,
          points: 1,
          hint: `kubectl create configmap ${NAME} -n ${NAMESPACE} --from-literal=message="${MESSAGE}"`,
          async run(ctx) {
            const cm = await readObject<V1ConfigMap>(ctx, 'v1', 'ConfigMap', NAME, NAMESPACE);
            if (!cm) return fail(`ConfigMap ${NAMESPACE}/${NAME}`, 'no such ConfigMap');
            const message = cm.data?.message?.trim();
            return message === MESSAGE
              ? pass(`${NAME} says "${MESSAGE}"`)
              : fail(`message "${MESSAGE}"`, message === undefined ? 'no key "message"' : `message "${message}"`);
          },
        },
      ],
      // What a learner would type; `kubelab solve hello --show` prints it, `kubelab solve hello` runs it.
      solution: () => [
        `kubectl create configmap ${NAME} -n ${NAMESPACE} --from-literal=message="${MESSAGE}" --dry-run=client -o yaml | kubectl apply -f -`,
      ],
      async reset(ctx) {
        await ctx.kubectl(['delete', 'configmap', NAME, '-n', NAMESPACE, '--ignore-not-found']);
      },
    },
  ],
});
