import path from 'path';

import { isRecord, readText, readYaml } from './repository';

export const composeFile = 'docker-compose.yml';

export interface BindMount {
  /** Host path relative to the repository root, as written in the compose file. */
  source: string;
  target: string;
  readOnly: boolean;
  /** False when the long syntax sets bind.create_host_path: false. */
  createsHostPath: boolean;
}

export function composeText(): string {
  return readText(composeFile);
}

export function composeServices(): Record<string, Record<string, unknown>> {
  const compose = readYaml(composeFile);
  if (!isRecord(compose) || !isRecord(compose.services)) {
    throw new Error(`${composeFile} has no "services" mapping`);
  }
  const services: Record<string, Record<string, unknown>> = {};
  for (const [name, service] of Object.entries(compose.services)) {
    if (!isRecord(service)) {
      throw new Error(`${composeFile}: service ${name} is not a mapping`);
    }
    services[name] = service;
  }
  return services;
}

export function composeService(name: string): Record<string, unknown> {
  const service = composeServices()[name];
  if (!service) {
    throw new Error(`${composeFile} has no service "${name}"`);
  }
  return service;
}

/** Reads a service's environment, written either as a mapping or as a list of NAME=value. */
export function serviceEnvironment(service: Record<string, unknown>): Record<string, string> {
  const environment = service.environment;
  if (environment === undefined) {
    return {};
  }
  if (Array.isArray(environment)) {
    return Object.fromEntries(
      environment.map((entry) => {
        const text = String(entry);
        const separator = text.indexOf('=');
        return separator < 0 ? [text, ''] : [text.slice(0, separator), text.slice(separator + 1)];
      })
    );
  }
  if (isRecord(environment)) {
    return Object.fromEntries(Object.entries(environment).map(([key, value]) => [key, String(value ?? '')]));
  }
  throw new Error('service "environment" is neither a mapping nor a list');
}

function isHostPath(source: string): boolean {
  return source.startsWith('.') || source.startsWith('/');
}

/**
 * Lists a service's bind mounts, from the short syntax (SOURCE:TARGET[:MODE]) and the long
 * syntax (type: bind). Named volumes are left out.
 */
export function bindMounts(service: Record<string, unknown>): BindMount[] {
  const volumes = Array.isArray(service.volumes) ? service.volumes : [];
  const mounts: BindMount[] = [];
  for (const volume of volumes) {
    if (typeof volume === 'string') {
      const [source, target, mode] = volume.split(':');
      if (isHostPath(source)) {
        mounts.push({ source, target, readOnly: mode === 'ro', createsHostPath: true });
      }
      continue;
    }
    if (isRecord(volume) && volume.type === 'bind') {
      const bindOptions = isRecord(volume.bind) ? volume.bind : {};
      mounts.push({
        source: String(volume.source),
        target: String(volume.target),
        readOnly: volume.read_only === true,
        createsHostPath: bindOptions.create_host_path !== false,
      });
    }
  }
  return mounts;
}

/** Returns the host path, relative to the repository, that a container path is mounted from. */
export function hostPathFor(service: Record<string, unknown>, containerPath: string): string | undefined {
  for (const mount of bindMounts(service)) {
    const relative = path.posix.relative(mount.target, containerPath);
    if (relative === '' || (!relative.startsWith('..') && !path.posix.isAbsolute(relative))) {
      return path.posix.join(mount.source, relative);
    }
  }
  return undefined;
}

/** Returns a service's command as one string, whether written as a list or a string. */
export function serviceCommand(service: Record<string, unknown>): string {
  const command = service.command;
  return Array.isArray(command) ? command.map(String).join(' ') : String(command ?? '');
}
