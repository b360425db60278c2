package dev.larder.spark;

import dev.larder.spi.FeatureView;
import dev.larder.spi.Field;
import dev.larder.spi.ValueType;

import java.io.Serializable;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * A feature view as plain serializable data, shipped to the executors inside a Spark task (the
 * SPI's {@link FeatureView} is not {@link Serializable}, and need not be for anything else).
 */
record ViewShape(String name, List<String> entities, List<String> keyNames, List<ValueType> keyTypes,
                 List<String> featureNames, List<ValueType> featureTypes, Duration ttl) implements Serializable {

    static ViewShape of(FeatureView v) {
        List<String> kn = new ArrayList<>();
        List<ValueType> kt = new ArrayList<>();
        for (Field f : v.joinKeys()) {
            kn.add(f.name());
            kt.add(f.type());
        }
        List<String> fn = new ArrayList<>();
        List<ValueType> ft = new ArrayList<>();
        for (Field f : v.features()) {
            fn.add(f.name());
            ft.add(f.type());
        }
        return new ViewShape(v.name(), new ArrayList<>(v.entities()), kn, kt, fn, ft, v.ttl());
    }

    FeatureView view() {
        List<Field> keys = new ArrayList<>();
        for (int i = 0; i < keyNames.size(); i++) keys.add(new Field(keyNames.get(i), keyTypes.get(i)));
        List<Field> features = new ArrayList<>();
        for (int i = 0; i < featureNames.size(); i++) features.add(new Field(featureNames.get(i), featureTypes.get(i)));
        return new FeatureView(name, entities, keys, features, ttl);
    }
}
