package healthstacktest

// PolicyDocuments returns the policy documents of a role's properties in a
// synthesized template's resources: its inline policies, then the stack's
// own managed policies it attaches (a Ref in ManagedPolicyArns; AWS managed
// policies are left out).
func PolicyDocuments(resources, role map[string]any) []map[string]any {
	var docs []map[string]any
	policies, _ := role["Policies"].([]any)
	for _, p := range policies {
		if doc, ok := p.(map[string]any)["PolicyDocument"].(map[string]any); ok {
			docs = append(docs, doc)
		}
	}
	managed, _ := role["ManagedPolicyArns"].([]any)
	for _, arn := range managed {
		ref, _ := arn.(map[string]any)
		id, _ := ref["Ref"].(string)
		res, _ := resources[id].(map[string]any)
		if res["Type"] != "AWS::IAM::ManagedPolicy" {
			continue
		}
		props, _ := res["Properties"].(map[string]any)
		if doc, ok := props["PolicyDocument"].(map[string]any); ok {
			docs = append(docs, doc)
		}
	}
	return docs
}
