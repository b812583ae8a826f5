/** The Gogo commands {@code pooler:*}: the console's data and actions from a shell. */
package dev.pooler.shell;
