import type { CloudMeasures } from './cloud-measures';
import type { CpuUse } from './cpu-contention';
import type { FindingRead, RefreshSplit } from './findings';
import type { IdentityListSummary } from './identity-list';
import type { IdentityPageSummary } from './identity-page';
import type { IdentityTreeSummary } from './identity-tree';
import type { DashboardQuerySummary } from './dashboard-queries';
import type { EffectivePermissionsSummary, ExplainSummary, RelationSize } from './measure';
import type { CloudLoad } from './other-clouds';
import type { Outcome } from './outcome';
import type { ServerMemoryPeak } from './process-memory';

/** Counts of the organisation of one scale, summed over its accounts. */
export interface OrganisationSummary {
  accounts: number;
  users: number;
  roles: number;
  groups: number;
  customerPolicies: number;
  boundaryPolicies: number;
  /** Distinct AWS-managed policies attached anywhere in the organisation. */
  awsManagedPolicies: number;
  inlinePolicies: number;
  boundedIdentities: number;
  attachments: number;
}

/** The generated shares and measurements of a mixed-cloud run, besides the AWS figures. */
export interface CloudsResult {
  /** The split of identities, such as "aws 40 %, kubernetes 20 %, gcp 20 %, azure 20 %". */
  mix: string;
  /** The AWS share, when the mix has one. */
  aws?: { planned: number; accounts: number; importSeconds: number };
  /** The other clouds' shares, without the identity list used to choose reads. */
  loads: Array<Omit<CloudLoad, 'identities'>>;
  measures: Outcome<CloudMeasures>;
}

export interface ScaleResult {
  identities: number;
  seed: number;
  organisation: OrganisationSummary;
  postgres: { version: string; settings: Record<string, string> };
  generateSeconds: number;
  /** parseAuthorizationDetails and writeExport over every account. */
  importSeconds: number;
  migrateSeconds: number;
  /**
   * The refresh that migrate runs at its end, which fills the materialised views (plain
   * REFRESH), as migrate reports it; null when migrate reports none.
   */
  migrateRefreshSeconds: number | null;
  /** `SELECT ciem.refresh()` after migrate: every view recomputed with CONCURRENTLY, readers unblocked. */
  refresh: Outcome<{ seconds: number }>;
  /** That refresh's steps from ciem.refresh_steps: the engine's relations and the findings'. */
  refreshSplit: Outcome<RefreshSplit>;
  /** Tables and materialised views of schema ciem after the refreshes. */
  relations: RelationSize[];
  /** Size of the CloudQuery-shaped source tables the importer wrote. */
  sourceBytes: number;
  explain: Outcome<ExplainSummary>;
  effectivePermissions: Outcome<EffectivePermissionsSummary>;
  /** Every finding view read filtered to one account and to one identity. */
  findingReads: Outcome<FindingRead[]>;
  /** The Identities page's query, first page and a search. */
  identityList: Outcome<IdentityListSummary>;
  /** The Identity page's permission tree for an identity with AdministratorAccess. */
  identityTree: Outcome<IdentityTreeSummary>;
  /** Every query of the bundled dashboards; absent in results written before it was measured. */
  dashboardQueries?: Outcome<DashboardQuerySummary>;
  /** The Identity page in the browser harness; absent in results written before it was measured. */
  identityPage?: Outcome<IdentityPageSummary>;
  /** The mixed-cloud figures; absent for the AWS-only organisation. */
  clouds?: CloudsResult;
  serverMemory: {
    load: ServerMemoryPeak;
    migrate: ServerMemoryPeak;
    refresh: Outcome<ServerMemoryPeak>;
    queries: Outcome<ServerMemoryPeak>;
  };
  /** Processor time of the bench and of other programs during the refreshes and the queries. */
  cpu: {
    refresh: Outcome<CpuUse>;
    queries: Outcome<CpuUse>;
  };
  /** Peak resident set size of the bench process (generator, importer and client), from getrusage. */
  benchPeakBytes: number;
}

/** Messages from a scale's child process to the bench's main process. */
export type ScaleMessage =
  { type: 'step'; step: string } | { type: 'result'; result: ScaleResult } | { type: 'error'; message: string };
