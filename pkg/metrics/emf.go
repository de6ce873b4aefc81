package metrics

import (
	"encoding/json"
	"fmt"
	"io"
)

// emfMetric is a MetricDefinition of the EMF specification.
type emfMetric struct {
	Name string `json:"Name"`
	Unit string `json:"Unit"`
}

// emfDirective is a MetricDirective of the EMF specification.
type emfDirective struct {
	Namespace  string      `json:"Namespace"`
	Dimensions [][]string  `json:"Dimensions"`
	Metrics    []emfMetric `json:"Metrics"`
}

type emfMetadata struct {
	Timestamp         int64          `json:"Timestamp"`
	CloudWatchMetrics []emfDirective `json:"CloudWatchMetrics"`
}

// writeEMF writes the batch as CloudWatch Embedded Metric Format lines, one
// line per dimension set (the run, then each check), each a JSON object whose
// _aws member carries the Timestamp (epoch milliseconds) and one
// MetricDirective, and whose root members carry the dimension values and the
// metric values.
func writeEMF(w io.Writer, namespace string, b Batch) error {
	for _, group := range groupByCheck(b.Data) {
		dims := []string{DimService, DimEnvironment}
		line := map[string]any{DimService: b.Service, DimEnvironment: b.Environment}
		if group.check != "" {
			dims = append(dims, DimCheck)
			line[DimCheck] = group.check
		}
		directive := emfDirective{Namespace: namespace, Dimensions: [][]string{dims}}
		for _, d := range group.data {
			directive.Metrics = append(directive.Metrics, emfMetric{Name: d.Name, Unit: d.Unit})
			line[d.Name] = d.Value
		}
		line["_aws"] = emfMetadata{Timestamp: b.Time.UnixMilli(), CloudWatchMetrics: []emfDirective{directive}}
		out, err := json.Marshal(line)
		if err != nil {
			return fmt.Errorf("encode emf: %w", err)
		}
		if _, err := w.Write(append(out, '\n')); err != nil {
			return fmt.Errorf("write emf: %w", err)
		}
	}
	return nil
}

type checkGroup struct {
	check string
	data  []Datum
}

// groupByCheck groups data by their Check dimension, in first-seen order.
func groupByCheck(data []Datum) []checkGroup {
	var groups []checkGroup
	index := map[string]int{}
	for _, d := range data {
		i, ok := index[d.Check]
		if !ok {
			i = len(groups)
			index[d.Check] = i
			groups = append(groups, checkGroup{check: d.Check})
		}
		groups[i].data = append(groups[i].data, d)
	}
	return groups
}
