package dev.pooler.bench.strategies;

import com.google.gson.JsonObject;
import dev.pooler.api.Request;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * The {@code mixed} scenario's requests, where learning per request type matters: three commands of
 * the {@code mixed} adapter whose cost is a property of the pool (its {@code POOLER_MIXED_COSTS}),
 * pool a fast at {@code embed} and slow at {@code generate}, b the reverse, c middling at both;
 * {@code summarize} costs in proportion to its text, little per character on c but with a larger
 * fixed cost, so short texts belong on a or b and long ones on c. The workers really sleep these
 * costs; the strategies see only the command, its argument size and the answers.
 */
final class MixedWorkload {

    static final String[] COMMANDS = {"embed", "generate", "summarize"};

    /** Per pool a, b, c and command: {fixed ms, ms per 1000 characters of text}. */
    static final double[][][] COSTS = {
        {{4, 0}, {6, 0}, {1, 6}},
        {{6, 0}, {4, 0}, {1, 6}},
        {{5, 0}, {5, 0}, {3, 3}},
    };

    /** Request classes: embed, generate, summarize of a short text, of a long one. */
    static final String[] CLASSES = {"embed", "generate", "summarize short", "summarize long"};
    static final int[] CLASS_COMMAND = {0, 1, 2, 2};
    static final double[] MIX = {0.40, 0.35, 0.17, 0.08};
    /** Text length range per class, characters, uniform. */
    static final int[][] TEXT = {{100, 180}, {100, 180}, {100, 180}, {2400, 3600}};

    /**
     * The best static placement (share of each class per pool), found offline by linear programming
     * on the costs above at the mean text lengths: the capacity is what this placement serves with
     * every pool's workers busy.
     */
    static final double[][] PLACEMENT = {
        {0.911, 0, 0, 0},
        {0, 0.818, 1, 0},
        {0.089, 0.182, 0, 1},
    };

    /** The JSON text of the arguments around the text: {"text":""}. */
    static final int ENVELOPE = 11;

    private MixedWorkload() {
    }

    /** The pool's POOLER_MIXED_COSTS. */
    static String costsJson(int pool) {
        StringBuilder sb = new StringBuilder("{");
        for (int c = 0; c < COMMANDS.length; c++) {
            sb.append(c == 0 ? "" : ", ").append('"').append(COMMANDS[c]).append("\": [")
                    .append(StrategyOptions.num(COSTS[pool][c][0])).append(", ")
                    .append(StrategyOptions.num(COSTS[pool][c][1])).append(']');
        }
        return sb.append('}').toString();
    }

    /** The true cost (ms, what the worker sleeps) of a command with a text of {@code chars} characters on a pool. */
    static double costMs(int pool, String command, int chars) {
        for (int c = 0; c < COMMANDS.length; c++) {
            if (COMMANDS[c].equals(command)) {
                return COSTS[pool][c][0] + COSTS[pool][c][1] * chars / 1000.0;
            }
        }
        return Double.NaN;
    }

    /** One request per arrival, seeded. */
    static Request[] requests(int n, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        Request[] out = new Request[n];
        for (int i = 0; i < n; i++) {
            int cls = pick(random.nextDouble());
            int chars = TEXT[cls][0] + random.nextInt(TEXT[cls][1] - TEXT[cls][0] + 1);
            JsonObject args = new JsonObject();
            args.addProperty("text", text(random, chars));
            out[i] = Request.of(COMMANDS[CLASS_COMMAND[cls]], args);
            if (out[i].argsJson().length() != chars + ENVELOPE) {
                throw new IllegalStateException("the arguments of a mixed request are " + out[i].argsJson().length()
                        + " characters, expected " + (chars + ENVELOPE) + ": the oracle could not read their size");
            }
        }
        return out;
    }

    private static int pick(double u) {
        double acc = 0;
        for (int c = 0; c < MIX.length; c++) {
            acc += MIX[c];
            if (u < acc) {
                return c;
            }
        }
        return MIX.length - 1;
    }

    private static String text(SplittableRandom random, int chars) {
        char[] t = new char[chars];
        for (int i = 0; i < chars; i++) {
            t[i] = (char) ('a' + random.nextInt(26));
        }
        return new String(t);
    }

    /** Requests per ms the best static placement serves, each request costing {@code overheadMs} more than its sleep. */
    static double capacityPerMs(int workers, double overheadMs) {
        double capacity = Double.MAX_VALUE;
        for (int p = 0; p < COSTS.length; p++) {
            double msPerRequest = 0;
            for (int c = 0; c < MIX.length; c++) {
                double chars = (TEXT[c][0] + TEXT[c][1]) / 2.0;
                double cost = COSTS[p][CLASS_COMMAND[c]][0] + COSTS[p][CLASS_COMMAND[c]][1] * chars / 1000.0 + overheadMs;
                msPerRequest += MIX[c] * PLACEMENT[p][c] * cost;
            }
            capacity = Math.min(capacity, workers / msPerRequest);
        }
        return capacity;
    }

    /** Requests per ms when every pool gets the same share of every class (what a type-blind balance does). */
    static double blindCapacityPerMs(int workers, double overheadMs) {
        double ms = 0;
        for (int c = 0; c < MIX.length; c++) {
            double chars = (TEXT[c][0] + TEXT[c][1]) / 2.0;
            for (int p = 0; p < COSTS.length; p++) {
                ms += MIX[c] / COSTS.length * (COSTS[p][CLASS_COMMAND[c]][0]
                        + COSTS[p][CLASS_COMMAND[c]][1] * chars / 1000.0 + overheadMs);
            }
        }
        return COSTS.length * workers / ms;
    }

    static String describe(String[] ids) {
        StringBuilder sb = new StringBuilder("costs ms (fixed + per 1000 chars):");
        for (int p = 0; p < COSTS.length; p++) {
            sb.append(p == 0 ? " " : "; ").append(ids[p]).append(':');
            for (int c = 0; c < COMMANDS.length; c++) {
                sb.append(' ').append(COMMANDS[c]).append(' ').append(StrategyOptions.num(COSTS[p][c][0]));
                if (COSTS[p][c][1] > 0) {
                    sb.append('+').append(StrategyOptions.num(COSTS[p][c][1]));
                }
            }
        }
        sb.append("; mix");
        for (int c = 0; c < CLASSES.length; c++) {
            sb.append(String.format(Locale.ROOT, " %s %.0f%% (%d-%d chars)", CLASSES[c], 100 * MIX[c], TEXT[c][0],
                    TEXT[c][1]));
        }
        return sb.toString();
    }
}
