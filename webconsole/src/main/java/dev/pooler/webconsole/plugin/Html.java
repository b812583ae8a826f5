package dev.pooler.webconsole.plugin;

/** Escapes text for HTML element content and quoted attribute values. */
public final class Html {

    private Html() {
    }

    /** Replaces {@code & < > " '} (and the console's template marker {@code $}) by character references. */
    public static String escape(String s) {
        if (s == null) {
            return "";
        }
        StringBuilder b = new StringBuilder(s.length() + 16);
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '&' -> b.append("&amp;");
                case '<' -> b.append("&lt;");
                case '>' -> b.append("&gt;");
                case '"' -> b.append("&quot;");
                case '\'' -> b.append("&#39;");
                // The Web Console replaces ${...} in HTML output; data must never reach that.
                case '$' -> b.append("&#36;");
                default -> b.append(c);
            }
        }
        return b.toString();
    }
}
