import React from 'react';
import { Alert } from '@grafana/ui';

interface Props {
  /** Alert title naming the content that failed, for example "The identities could not be loaded". */
  title: string;
  /** Error whose message names the fix for the user, such as a QueryFailedError. */
  error: Error;
}

export function QueryErrorAlert({ title, error }: Props) {
  return (
    <Alert severity="error" title={title}>
      {error.message}
    </Alert>
  );
}
