import { UserError } from '../../errors';
import { InputError } from '../aws-authz/fields';
import { readTextFile } from '../read-text-file';
import { parseKubectlList, type ParsedKubectlList } from './parse';

export const kubectlExportCommand =
  'kubectl get roles,clusterroles,rolebindings,clusterrolebindings,serviceaccounts -A -o json > FILE';

const howToExport = `Create the file with: ${kubectlExportCommand}`;

/** Reads and validates a kubectl List file; every failure names the file and what is wrong with it. */
export async function readKubectlFile(file: string, context: string): Promise<ParsedKubectlList> {
  if (context.trim() === '' || /[\u0000-\u001f]/.test(context)) {
    throw new UserError(
      `invalid --context ${JSON.stringify(context)}: give the name of the kube context the file was read from`,
      'See the names with: kubectl config get-contexts -o name'
    );
  }

  const text = await readTextFile(file, howToExport);
  if (/^\s*(apiVersion|kind|items)\s*:/m.test(text.slice(0, 200)) && !text.trimStart().startsWith('{')) {
    throw new UserError(`${file} is YAML; the import reads JSON`, `Print JSON with -o json: ${kubectlExportCommand}`);
  }

  let document: unknown;
  try {
    document = JSON.parse(text);
  } catch (error) {
    throw new UserError(
      `${file} is not valid JSON (${(error as Error).message}); the file may be truncated`,
      howToExport
    );
  }

  try {
    return parseKubectlList(document, context);
  } catch (error) {
    if (error instanceof InputError) {
      throw new UserError(`${file} is not a valid kubectl List of RBAC objects: ${error.message}`, howToExport);
    }
    throw error;
  }
}
