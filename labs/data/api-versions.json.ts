// Data loader: the facts the API versions page compares the live cluster with, taken from
// the lab's constants so that the page and the checks never disagree.
import { ANSWERS, NOTES_API_VERSIONS, OLD_BINDING } from '../../checks/api-versions/constants.ts';

process.stdout.write(JSON.stringify({ notes: NOTES_API_VERSIONS, answers: ANSWERS, oldBinding: OLD_BINDING }, null, 2));
