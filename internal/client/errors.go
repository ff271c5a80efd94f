package client

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/runtime"
)

// ConfigError is a provider setting that is missing, contradictory or unusable.
type ConfigError struct {
	Setting string // the HCL attribute, e.g. tenant_id
	EnvVar  string // the environment variable that can set it, if any
	Message string
}

func (e *ConfigError) Error() string {
	if e.EnvVar != "" {
		return fmt.Sprintf("%s (%s): %s", e.Setting, e.EnvVar, e.Message)
	}
	return fmt.Sprintf("%s: %s", e.Setting, e.Message)
}

// Service names the API family an APIError came from; the Terraform layer
// uses it to name the role or permission that fixes a 403.
type Service string

const (
	ServiceARM           Service = "Azure Resource Manager"
	ServiceResourceGraph Service = "Azure Resource Graph"
	ServiceGraph         Service = "Microsoft Graph"
	ServiceLogAnalytics  Service = "Azure Monitor Log Analytics"
)

// APIError is every failed call, ARM or Graph, in one shape.
type APIError struct {
	Service    Service
	Method     string
	URL        string // without query string
	StatusCode int
	Code       string // the service's error code, e.g. AuthorizationFailed
	Message    string // the service's error message
	RequestID  string // x-ms-request-id, request-id or client-request-id
}

func (e *APIError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s %s %s: HTTP %d", e.Service, e.Method, e.URL, e.StatusCode)
	if e.Code != "" {
		fmt.Fprintf(&b, " %s", e.Code)
	}
	if e.Message != "" {
		fmt.Fprintf(&b, ": %s", e.Message)
	}
	if e.RequestID != "" {
		fmt.Fprintf(&b, " (request id %s)", e.RequestID)
	}
	return b.String()
}

// IsNotFound reports whether err is an API 404.
func IsNotFound(err error) bool { return statusOf(err) == http.StatusNotFound }

// IsForbidden reports whether err is an API 403.
func IsForbidden(err error) bool { return statusOf(err) == http.StatusForbidden }

func statusOf(err error) int {
	var apiErr *APIError
	if errors.As(err, &apiErr) {
		return apiErr.StatusCode
	}
	return 0
}

// errorBody covers both ARM's CloudError and Graph's error: each nests
// code and message under "error"; Graph adds innerError with request ids.
type errorBody struct {
	Error struct {
		Code       string `json:"code"`
		Message    string `json:"message"`
		InnerError struct {
			RequestID       string `json:"request-id"`
			ClientRequestID string `json:"client-request-id"`
		} `json:"innerError"`
	} `json:"error"`
}

// newAPIError reads the status, error body and request id of a failed response.
func newAPIError(service Service, resp *http.Response) *APIError {
	apiErr := &APIError{Service: service, StatusCode: resp.StatusCode}
	if resp.Request != nil {
		apiErr.Method = resp.Request.Method
		apiErr.URL = stripQuery(resp.Request.URL.String())
	}
	apiErr.RequestID = requestID(resp.Header)
	body, _ := runtime.Payload(resp)
	var parsed errorBody
	if json.Unmarshal(body, &parsed) == nil {
		apiErr.Code = parsed.Error.Code
		apiErr.Message = parsed.Error.Message
		if apiErr.RequestID == "" {
			apiErr.RequestID = firstNonEmpty(parsed.Error.InnerError.RequestID, parsed.Error.InnerError.ClientRequestID)
		}
	}
	if apiErr.Message == "" {
		apiErr.Message = http.StatusText(resp.StatusCode)
	}
	return apiErr
}

// asAPIError converts an azcore.ResponseError (what the Azure SDK returns)
// into an APIError; other errors pass through unchanged.
func asAPIError(service Service, err error) error {
	if err == nil {
		return nil
	}
	var respErr *azcore.ResponseError
	if errors.As(err, &respErr) && respErr.RawResponse != nil {
		return newAPIError(service, respErr.RawResponse)
	}
	return err
}

func firstNonEmpty(values ...string) string {
	for _, v := range values {
		if v != "" {
			return v
		}
	}
	return ""
}

// PageError is a failure on a later page of a list: the pages before it
// were read, but returning them would be a silently shorter list.
type PageError struct {
	Page int // 2 or more
	Err  error
}

func (e *PageError) Error() string {
	return fmt.Sprintf("page %d failed, so the list is incomplete: %v", e.Page, e.Err)
}

func (e *PageError) Unwrap() error { return e.Err }

func pageError(page int, err error) error {
	if page > 1 {
		return &PageError{Page: page, Err: err}
	}
	return err
}
