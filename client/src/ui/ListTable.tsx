// The frame every list page shares: a loading line until the list arrives, the page's own
// empty message when it is empty, and otherwise a stacking table (one card per row on a
// phone, each cell labelled by its column) with a caption for screen readers. Pages give
// their columns and one row each; errors stay with the page, which also reports its actions.
import type { ComponentChildren, JSX } from 'preact';
import { useI18n } from '../i18n/context';
import { Progress } from './Alert';

interface ListTableProps<T> {
  /** The rows; null while loading. */
  readonly items: readonly T[] | null;
  /** True when loading failed: the page shows why, and no loading line is left spinning. */
  readonly failed: boolean;
  /** The table's test id; the loading line's is `loadingTestid`. */
  readonly testid: string;
  readonly loadingTestid: string;
  /** The loading line's text, when not the usual "Loading…". */
  readonly loadingText?: string;
  /** Shown instead of the table when the list is empty; without it, an empty table shows. */
  readonly empty?: ComponentChildren;
  readonly caption: string;
  /** Column headings: words, or an element (a heading only screen readers hear). */
  readonly columns: readonly ComponentChildren[];
  readonly row: (item: T) => JSX.Element;
}

export function ListTable<T>(props: ListTableProps<T>): JSX.Element | null {
  const { t } = useI18n();
  const { items } = props;
  if (items === null)
    return props.failed ? null : <Progress text={props.loadingText ?? t('app.loading')} testid={props.loadingTestid} />;
  if (items.length === 0 && props.empty !== undefined) return <>{props.empty}</>;
  return (
    <table class="table table--stack" data-testid={props.testid}>
      <caption class="visually-hidden">{props.caption}</caption>
      <thead>
        <tr>
          {props.columns.map((column, index) => (
            <th key={index} scope="col">
              {column}
            </th>
          ))}
        </tr>
      </thead>
      <tbody>{items.map(props.row)}</tbody>
    </table>
  );
}
