package client

import (
	"encoding/json"
	"errors"
	"net/http"
	"strings"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore/runtime"
	"github.com/Azure/azure-sdk-for-go/sdk/azidentity"
)

// Token requests fail at the Microsoft identity platform with an AADSTS
// code and description (https://learn.microsoft.com/entra/identity-platform/reference-error-codes);
// azidentity flattens them to text. This file keeps them as *APIError.

// ServiceEntraID names the Microsoft identity platform (token requests).
const ServiceEntraID Service = "Microsoft Entra ID"

// identityErrorBody is the Microsoft identity platform's error shape.
type identityErrorBody struct {
	Error            string `json:"error"`
	ErrorDescription string `json:"error_description"`
	TraceID          string `json:"trace_id"`
	CorrelationID    string `json:"correlation_id"`
}

// tokenCallKey is the context key of the lastAnswer of the identity
// platform to a token request made for one API request: the context
// carries it from reauthPolicy through the bearer token policy into
// azidentity's pipeline, where tokenRecorder fills it inside its retries.
type tokenCallKey struct{}

var tokenRecorder = recorderPolicy{key: tokenCallKey{}}

// entraError turns azidentity's error for a token request the identity
// platform answered with an error into an *APIError (status, AADSTS code
// and description, request id). A token answer it could not read becomes a
// *DecodeError without the body: MSAL quotes the raw answer, which holds
// the access token. Other errors pass through.
func entraError(err error, call *lastAnswer) error {
	var authErr *azidentity.AuthenticationFailedError
	if err == nil || !errors.As(err, &authErr) {
		return err
	}
	if authErr.RawResponse == nil {
		// MSAL flattens transport errors to text: keep their kind.
		if msg := err.Error(); strings.Contains(msg, "connect: connection refused") || strings.Contains(msg, "x509: ") {
			return &UnreachableError{Err: err}
		}
		if !strings.Contains(err.Error(), "raw message was") {
			return err
		}
		decodeErr := &DecodeError{Service: ServiceEntraID, Err: errors.New("the token response is not a token (the body is not quoted: it may hold one)")}
		if call != nil {
			_, decodeErr.RequestID, decodeErr.URL = call.get()
		}
		return decodeErr
	}
	resp := authErr.RawResponse
	apiErr := &APIError{Service: ServiceEntraID, StatusCode: resp.StatusCode, RequestID: requestID(resp.Header)}
	if resp.Request != nil {
		apiErr.Method = resp.Request.Method
		apiErr.URL = stripQuery(resp.Request.URL.String())
	}
	if body, readErr := runtime.Payload(resp); readErr == nil {
		var parsed identityErrorBody
		if json.Unmarshal(body, &parsed) == nil {
			apiErr.Code = parsed.Error
			apiErr.Message = firstLine(parsed.ErrorDescription)
			apiErr.RequestID = firstNonEmpty(apiErr.RequestID, parsed.TraceID, parsed.CorrelationID)
		}
	}
	if resp.StatusCode >= 200 && resp.StatusCode <= 299 {
		// A successful status whose body was not a token.
		return &DecodeError{Service: ServiceEntraID, URL: apiErr.URL, RequestID: apiErr.RequestID, Err: errors.New("the token response is not a token")}
	}
	if apiErr.Message == "" {
		apiErr.Message = http.StatusText(resp.StatusCode)
	}
	return apiErr
}

// firstLine keeps the description up to its first line break (Entra adds
// trace ids and timestamps on further lines).
func firstLine(s string) string {
	if i := strings.IndexAny(s, "\r\n"); i >= 0 {
		return strings.TrimSpace(s[:i])
	}
	return strings.TrimSpace(s)
}
