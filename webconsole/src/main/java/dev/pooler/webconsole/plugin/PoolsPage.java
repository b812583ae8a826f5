package dev.pooler.webconsole.plugin;

/**
 * The page's markup: headings, empty tables and the script tag. It carries no data (the script fills it
 * in as text from {@code data.json}); the one value written here, the plugin's root path, is escaped.
 */
final class PoolsPage {

    private PoolsPage() {
    }

    static String render(String pluginRoot) {
        String root = Html.escape(pluginRoot);
        return """
                <div id="pooler" class="pooler" data-root="%1$s">
                <noscript><p class="statline">This page needs JavaScript; the same data is at %1$s/data.json.</p></noscript>
                <div id="pooler-notices" class="pooler-notices"></div>
                <div class="pooler-bar">
                  <span class="pooler-field">Active strategy: <strong id="strategy-active">&#8230;</strong></span>
                  <span class="pooler-field">Configured: <span id="strategy-configured">&#8230;</span></span>
                  <label class="pooler-field" for="strategy-select">Switch to</label>
                  <select id="strategy-select"></select>
                  <button id="strategy-apply" type="button" class="ui-state-default ui-corner-all">Apply</button>
                  <button id="rebalance" type="button" class="ui-state-default ui-corner-all">Rebalance now</button>
                  <span id="action-message" class="pooler-message" role="status"></span>
                </div>
                <p class="pooler-small">Strategies present: <span id="strategy-available"></span></p>

                <h3 class="pooler-h">Pools</h3>
                <table id="pools-table" class="nicetable pooler-table">
                  <thead><tr><th>Pool</th><th>Type</th><th>State</th><th>Size</th><th>Workers</th><th>Busy</th><th>Queued</th>
                  <th>Utilization</th><th>Lent</th><th>Borrowed</th><th>Completed</th><th>Failed</th><th>p50 ms</th>
                  <th>Health</th><th>Specialization</th><th>Zone</th><th>Pipeline</th></tr></thead>
                  <tbody></tbody>
                </table>

                <h3 class="pooler-h">Utilization, last minutes</h3>
                <div id="chart" class="pooler-chart"></div>

                <h3 class="pooler-h">Workers</h3>
                <table id="workers-table" class="nicetable pooler-table">
                  <thead><tr><th>Worker</th><th>Pool</th><th>PID</th><th>State</th><th>Requests served</th><th>Memory</th><th>CPU</th>
                  <th>Owner</th><th>Lent to</th></tr></thead>
                  <tbody></tbody>
                </table>

                <div id="sections"></div>
                <p id="sections-absent" class="pooler-small">Loans and sharing agreements appear here when the
                worker-sharing bundle (dev.pooler.sharing) is installed, sessions and their affinity when the
                session-affinity bundle (dev.pooler.affinity) is; so do their actions (return a loan, migrate
                a worker, pin a session).</p>

                <h3 class="pooler-h">Last routing decisions</h3>
                <table id="decisions-table" class="nicetable pooler-table">
                  <thead><tr><th>Time</th><th>Command</th><th>Capability</th><th>Strategy</th><th>Pool</th>
                  <th>Candidates</th><th>Decision &#181;s</th><th>Outcome</th></tr></thead>
                  <tbody></tbody>
                </table>
                <p class="pooler-small">Refreshed every 2 s. JSON: <a href="%1$s/data.json">data.json</a>.</p>
                </div>
                <script src="%1$s/res/pooler.js"></script>
                """.formatted(root);
    }
}
