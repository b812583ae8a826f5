package dev.pooler.launcher;

/**
 * What the launcher prints once the platform is up: where the console is and how to log in. A
 * generated password is shown only to a person at a terminal; without one (a service, CI, output
 * redirected to a log file) the log names the owner-only file that holds it, never the password.
 */
final class Banner {

    private Banner() {
    }

    static String text(Settings settings, ConsoleCredentials credentials, boolean interactive) {
        String nl = System.lineSeparator();
        String line = "=".repeat(72) + nl;
        StringBuilder b = new StringBuilder(line);
        b.append(" Pooler Web Console: ").append(settings.consoleUrl()).append(nl);
        b.append(" user:     ").append(credentials.user).append(nl);
        switch (credentials.source) {
            case GENERATED:
                if (interactive) {
                    b.append(" password: ").append(credentials.password).append(nl);
                    b.append(" (generated now and stored in ").append(credentials.file).append(", readable by you only;")
                     .append(nl).append("  it is not shown again. Set POOLER_CONSOLE_PASSWORD to choose your own.)").append(nl);
                } else {
                    b.append(" password: generated now and stored in ").append(credentials.file).append(nl);
                    b.append(" (readable by you only; not printed, as no terminal is attached.")
                     .append(nl).append("  Set POOLER_CONSOLE_PASSWORD to choose your own.)").append(nl);
                }
                break;
            case STORED:
                b.append(" password: in ").append(credentials.file).append(nl);
                break;
            default:
                b.append(" password: the one in POOLER_CONSOLE_PASSWORD").append(nl);
        }
        b.append(" conf/ and deploy/ in ").append(settings.home).append(nl);
        b.append(interactive
                ? " Gogo shell below ('help'; 'lb' lists bundles). Ctrl-D or 'stop 0' stops Pooler."
                : " No terminal, so no shell. SIGTERM or Ctrl-C stops Pooler.").append(nl);
        return b.append(line).toString();
    }
}
