import type { MetadataAppliedNodeRow } from '../db/tables/metadata.js';
import { AppliedNodeView } from './applied-node-view.js';
import type { Json } from './views.js';

// The applied views of the semantic layer's entries and of macros: the same getters over the row
// as every node (applied-node-view.ts), plus their own fields from the payload. appliedNodeView
// picks the class by the row's resource type.

/** A macro (MacroDefinitionNode). */
export class MacroView extends AppliedNodeView {
  get macroSql(): string {
    return this.row.raw_code ?? '';
  }
  get arguments(): { name: string | null; type: string | null; description: string | null }[] {
    return this.payload.arguments ?? [];
  }
  get rootPath(): string | null {
    return this.payload.rootPath ?? null;
  }
}

/** A metric (MetricDefinitionNode): MetricFlow's, or a legacy one of manifests v7–v9. */
export class MetricView extends AppliedNodeView {
  get type(): string | null {
    return this.payload.type ?? null;
  }
  get typeParams(): Json | null {
    return this.payload.typeParams ?? null;
  }
  get filter(): Json | null {
    return this.payload.filter ?? null;
  }
  get formula(): string | null {
    return this.payload.formula ?? null;
  }
}

/** A semantic model (SemanticModelDefinitionNode). */
export class SemanticModelView extends AppliedNodeView {
  get defaults(): { aggTimeDimension: string | null } {
    return this.payload.defaults ?? { aggTimeDimension: null };
  }
  get entities(): Json[] {
    return this.payload.entities ?? [];
  }
  get measures(): Json[] {
    return this.payload.measures ?? [];
  }
  get dimensions(): Json[] {
    return this.payload.dimensions ?? [];
  }
}

/** A saved query (SavedQueryDefinitionNode). */
export class SavedQueryView extends AppliedNodeView {
  get queryParams(): {
    metrics: string[];
    groupBy: string[];
    where: { whereFilters: { whereSqlTemplate: string }[] } | null;
    orderBy: string[];
    limit: number | null;
  } {
    return (
      this.payload.queryParams ?? {
        metrics: [],
        groupBy: [],
        where: null,
        orderBy: [],
        limit: null,
      }
    );
  }
  get exports(): Json[] {
    return this.payload.exports ?? [];
  }
}

const viewClasses: Partial<Record<string, typeof AppliedNodeView>> = {
  macro: MacroView,
  metric: MetricView,
  semantic_model: SemanticModelView,
  saved_query: SavedQueryView,
};

/** The view of a stored row, of the class its resource type needs. */
export function appliedNodeView(row: MetadataAppliedNodeRow): AppliedNodeView {
  const View = viewClasses[row.resource_type] ?? AppliedNodeView;
  return new View(row);
}
