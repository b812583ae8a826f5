package dev.pooler.bench;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.function.DoublePredicate;

/** One measured quantity, one value per round; summarised as median and spread (min–max). */
public final class Figure {

    private final List<Double> rounds = new ArrayList<>();

    public void add(double value) {
        rounds.add(value);
    }

    public int count() {
        return rounds.size();
    }

    /** How many rounds' values satisfy {@code p}. */
    public int countMatching(DoublePredicate p) {
        int n = 0;
        for (double v : rounds) {
            if (p.test(v)) {
                n++;
            }
        }
        return n;
    }

    public double median() {
        List<Double> s = sorted();
        int n = s.size();
        if (n == 0) {
            return Double.NaN;
        }
        return n % 2 == 1 ? s.get(n / 2) : (s.get(n / 2 - 1) + s.get(n / 2)) / 2;
    }

    public double min() {
        return rounds.isEmpty() ? Double.NaN : Collections.min(rounds);
    }

    public double max() {
        return rounds.isEmpty() ? Double.NaN : Collections.max(rounds);
    }

    /** "median [min–max]" with the given number format, e.g. {@code "%.1f"}. */
    public String format(String fmt) {
        return String.format(Locale.ROOT, fmt + " [" + fmt + "–" + fmt + "]", median(), min(), max());
    }

    private List<Double> sorted() {
        List<Double> s = new ArrayList<>(rounds);
        Collections.sort(s);
        return s;
    }
}
