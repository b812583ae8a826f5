package dev.pooler.api.admin;

import java.util.List;

/**
 * A table of plain text.
 *
 * @param name    a stable name, e.g. {@code loans}, {@code agreements}, {@code sessions}
 * @param title   a heading
 * @param columns column headings
 * @param rows    rows, each as long as {@code columns}
 */
public record AdminTable(String name, String title, List<String> columns, List<List<String>> rows) {

    public AdminTable {
        columns = List.copyOf(columns);
        rows = rows.stream().map(List::copyOf).toList();
        for (List<String> row : rows) {
            if (row.size() != columns.size()) {
                throw new IllegalArgumentException("table " + name + ": a row has " + row.size() + " cells for "
                        + columns.size() + " columns");
            }
        }
    }
}
