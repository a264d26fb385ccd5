/** Options of the trust graph panel, set in the panel editor. */
export interface TrustGraphOptions {
  /** Draw trusts in AWS services (ec2.amazonaws.com and the like), which most roles have and which rarely matter. */
  showServicePrincipals: boolean;
}
