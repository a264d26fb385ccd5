import React from 'react';
import { Icon, Input } from '@grafana/ui';

interface Props {
  /** Accessible name, which says what is searched. */
  label: string;
  placeholder: string;
  value: string;
  onChange: (value: string) => void;
  'data-testid'?: string;
}

/** Renders a text input with a search icon that reports each change of its text. */
export function SearchInput({ label, placeholder, value, onChange, 'data-testid': testId }: Props) {
  return (
    <Input
      data-testid={testId}
      aria-label={label}
      placeholder={placeholder}
      prefix={<Icon name="search" />}
      value={value}
      onChange={(event) => onChange(event.currentTarget.value)}
      width={50}
    />
  );
}
