package client

// This file holds the Azure Resource Manager calls to Microsoft.Security
// (api-version 2020-01-01) for secure scores, controls and definitions:
// https://learn.microsoft.com/rest/api/defenderforcloud/secure-scores

import (
	"context"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore/to"
	"github.com/Azure/azure-sdk-for-go/sdk/resourcemanager/security/armsecurity"
)

// DefaultSecureScoreName is Defender for Cloud's default initiative.
const DefaultSecureScoreName = "ascScore"

// DefenderScore is a subscription's secure score (ARM or Resource Graph row).
type DefenderScore struct {
	ID             string
	Name           string
	SubscriptionID string
	DisplayName    string
	Current        float64
	Max            int64
	Percentage     float64
	Weight         int64
}

// DefenderControl is a security control and its resource counts.
type DefenderControl struct {
	ID                         string
	Name                       string
	DisplayName                string
	Current                    float64
	Max                        int64
	Percentage                 float64
	Weight                     int64
	HealthyResourceCount       int64
	UnhealthyResourceCount     int64
	NotApplicableResourceCount int64
	Definition                 *DefenderControlDefinition // with $expand=definition
}

// DefenderControlDefinition describes a control; Description is only
// present in the definitions lists, not in the expanded copies.
type DefenderControlDefinition struct {
	ID                      string
	Name                    string
	Type                    string
	DisplayName             string
	Description             string
	MaxScore                int64
	SourceType              string
	AssessmentDefinitionIDs []string
}

// DefenderScore gets one secure score of a subscription.
func (c *Client) DefenderScore(ctx context.Context, subscriptionID, name string) (*DefenderScore, error) {
	f, err := c.securityFactory(subscriptionID)
	if err != nil {
		return nil, err
	}
	ctx, capt := captured(ctx)
	resp, err := f.NewSecureScoresClient().Get(ctx, name, nil)
	if err != nil {
		return nil, capt.sdkError(ServiceARM, err)
	}
	if resp.ID == nil || resp.Properties == nil {
		return nil, capt.shapeError(ServiceARM, "", "the secure score has no `id` or `properties`")
	}
	score := scoreFromItem(resp.SecureScoreItem, subscriptionID)
	return &score, nil
}

// DefenderScores lists every secure score of a subscription.
func (c *Client) DefenderScores(ctx context.Context, subscriptionID string) ([]DefenderScore, error) {
	f, err := c.securityFactory(subscriptionID)
	if err != nil {
		return nil, err
	}
	return listARM(ctx, f.NewSecureScoresClient().NewListPager(nil),
		func(r armsecurity.SecureScoresClientListResponse) []*armsecurity.SecureScoreItem { return r.Value },
		func(item armsecurity.SecureScoreItem) DefenderScore { return scoreFromItem(item, subscriptionID) })
}

// DefenderControls lists a subscription's security controls with their
// definitions, for one initiative or (scoreName "") all of them.
func (c *Client) DefenderControls(ctx context.Context, subscriptionID, scoreName string) ([]DefenderControl, error) {
	f, err := c.securityFactory(subscriptionID)
	if err != nil {
		return nil, err
	}
	expand := to.Ptr(armsecurity.ExpandControlsEnumDefinition)
	client := f.NewSecureScoreControlsClient()
	if scoreName == "" {
		return listARM(ctx, client.NewListPager(&armsecurity.SecureScoreControlsClientListOptions{Expand: expand}),
			func(r armsecurity.SecureScoreControlsClientListResponse) []*armsecurity.SecureScoreControlDetails {
				return r.Value
			},
			controlFromDetails)
	}
	return listARM(ctx, client.NewListBySecureScorePager(scoreName, &armsecurity.SecureScoreControlsClientListBySecureScoreOptions{Expand: expand}),
		func(r armsecurity.SecureScoreControlsClientListBySecureScoreResponse) []*armsecurity.SecureScoreControlDetails {
			return r.Value
		},
		controlFromDetails)
}

// DefenderControlDefinitions lists the control definitions of the tenant
// (subscriptionID "") or of one subscription.
func (c *Client) DefenderControlDefinitions(ctx context.Context, subscriptionID string) ([]DefenderControlDefinition, error) {
	f, err := c.securityFactory(subscriptionID)
	if err != nil {
		return nil, err
	}
	client := f.NewSecureScoreControlDefinitionsClient()
	if subscriptionID == "" {
		return listARM(ctx, client.NewListPager(nil),
			func(r armsecurity.SecureScoreControlDefinitionsClientListResponse) []*armsecurity.SecureScoreControlDefinitionItem {
				return r.Value
			},
			definitionFromItem)
	}
	return listARM(ctx, client.NewListBySubscriptionPager(nil),
		func(r armsecurity.SecureScoreControlDefinitionsClientListBySubscriptionResponse) []*armsecurity.SecureScoreControlDefinitionItem {
			return r.Value
		},
		definitionFromItem)
}

func scoreFromItem(item armsecurity.SecureScoreItem, subscriptionID string) DefenderScore {
	s := DefenderScore{ID: deref(item.ID), Name: deref(item.Name), SubscriptionID: subscriptionID}
	if s.SubscriptionID == "" {
		s.SubscriptionID = SubscriptionFromID(s.ID)
	}
	if p := item.Properties; p != nil {
		s.DisplayName = deref(p.DisplayName)
		s.Weight = deref(p.Weight)
		if p.Score != nil {
			s.Current = deref(p.Score.Current)
			s.Max = int64(deref(p.Score.Max))
			s.Percentage = deref(p.Score.Percentage)
		}
	}
	return s
}

func controlFromDetails(d armsecurity.SecureScoreControlDetails) DefenderControl {
	c := DefenderControl{ID: deref(d.ID), Name: deref(d.Name)}
	if p := d.Properties; p != nil {
		c.DisplayName = deref(p.DisplayName)
		c.Weight = deref(p.Weight)
		c.HealthyResourceCount = int64(deref(p.HealthyResourceCount))
		c.UnhealthyResourceCount = int64(deref(p.UnhealthyResourceCount))
		c.NotApplicableResourceCount = int64(deref(p.NotApplicableResourceCount))
		if p.Score != nil {
			c.Current = deref(p.Score.Current)
			c.Max = int64(deref(p.Score.Max))
			c.Percentage = deref(p.Score.Percentage)
		}
		if p.Definition != nil {
			def := definitionFromItem(*p.Definition)
			c.Definition = &def
		}
	}
	return c
}

func definitionFromItem(item armsecurity.SecureScoreControlDefinitionItem) DefenderControlDefinition {
	d := DefenderControlDefinition{ID: deref(item.ID), Name: deref(item.Name), Type: deref(item.Type)}
	if p := item.Properties; p != nil {
		d.DisplayName = deref(p.DisplayName)
		d.Description = deref(p.Description)
		d.MaxScore = int64(deref(p.MaxScore))
		if p.Source != nil && p.Source.SourceType != nil {
			d.SourceType = string(*p.Source.SourceType)
		}
		for _, a := range p.AssessmentDefinitions {
			if a != nil && a.ID != nil {
				d.AssessmentDefinitionIDs = append(d.AssessmentDefinitionIDs, *a.ID)
			}
		}
	}
	return d
}

func deref[T any](p *T) T {
	var zero T
	if p == nil {
		return zero
	}
	return *p
}
