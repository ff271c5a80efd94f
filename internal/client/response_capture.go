package client

// Errors found after the Azure SDK decoded an answer (a body of another
// shape, a list without `value`) carry the request id of the response that
// held them: each call captures its raw response.

import (
	"context"
	"errors"
	"fmt"
	"net/http"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore/policy"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/runtime"
)

// capture records the raw response of one call made with its context, so
// that errors found after decoding can carry the request id.
type capture struct{ resp *http.Response }

func captured(ctx context.Context) (context.Context, *capture) {
	c := &capture{}
	return policy.WithCaptureResponse(ctx, &c.resp), c
}

func (c *capture) requestID() string {
	if c == nil || c.resp == nil {
		return ""
	}
	return requestID(c.resp.Header)
}

func (c *capture) url(fallback string) string {
	if c != nil && c.resp != nil && c.resp.Request != nil {
		return stripQuery(c.resp.Request.URL.String())
	}
	return fallback
}

// shapeError is a successful answer whose JSON is valid but not the documented shape.
func (c *capture) shapeError(service Service, fallbackURL, format string, args ...any) error {
	return &DecodeError{Service: service, URL: c.url(fallbackURL), RequestID: c.requestID(), Err: fmt.Errorf(format, args...)}
}

// sdkError converts an Azure SDK error: a service error becomes an
// *APIError; a failure to decode a successful answer (which the SDK reports
// as a plain string) becomes a *DecodeError with the request id.
func (c *capture) sdkError(service Service, err error) error {
	if err == nil {
		return nil
	}
	err = asAPIError(service, err)
	var apiErr *APIError
	var decodeErr *DecodeError
	if errors.As(err, &apiErr) || errors.As(err, &decodeErr) || errors.Is(err, context.DeadlineExceeded) || errors.Is(err, context.Canceled) {
		return err
	}
	if c != nil && c.resp != nil && c.resp.StatusCode >= 200 && c.resp.StatusCode <= 299 {
		return &DecodeError{Service: service, URL: c.url(""), RequestID: c.requestID(), Err: err}
	}
	return err
}

// nextARMPage reads one page of an ARM SDK pager. A page that is not a list
// (hasValue false: no `value` array) is a DecodeError, never an empty page
// that would silently end the list.
func nextARMPage[T any](ctx context.Context, pager *runtime.Pager[T], page int, hasValue func(T) bool) (T, error) {
	ctx, c := captured(ctx)
	resp, err := pager.NextPage(ctx)
	if err != nil {
		return resp, pageError(page, c.sdkError(ServiceARM, err))
	}
	if !hasValue(resp) {
		var zero T
		return zero, pageError(page, c.shapeError(ServiceARM, "", "the list has no `value` array"))
	}
	return resp, nil
}

// listARM reads every page of an ARM SDK pager (each through nextARMPage)
// and maps the non-nil elements of each page's values with item.
func listARM[R, V, T any](ctx context.Context, pager *runtime.Pager[R], values func(R) []*V, item func(V) T) ([]T, error) {
	var out []T
	for page := 1; pager.More(); page++ {
		resp, err := nextARMPage(ctx, pager, page, func(r R) bool { return values(r) != nil })
		if err != nil {
			return nil, err
		}
		for _, v := range values(resp) {
			if v != nil {
				out = append(out, item(*v))
			}
		}
	}
	return out, nil
}
