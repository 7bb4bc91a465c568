"""WooCommerce and LingvaNex nodes against local fakes."""

from __future__ import annotations

from svc_harness import error, output, run_service

pytest_plugins = ("fakes",)

LX = {"lingvaNexApi": {"apiKey": "lx-key"}}


def lx(server, params, **kw):
    return run_service("n8n-nodes-base.lingvaNex", 1, params, credentials=LX,
                       base_urls={"lingvaNex": server.url}, **kw)


def _translate(req):
    assert req.headers["authorization"] == "Bearer lx-key"
    assert req.headers["content-type"].startswith("application/json")
    body = req.json
    if body["to"] == "xx_XX":
        return 200, {}, {"err": "Unsupported language xx_XX", "result": None}
    return 200, {}, {"err": None, "result": f"{body['data']}@{body['to']}", "cacheUse": 0}


def test_lingvanex_translate_each_item(fake_server):
    fake_server.route("POST", "/translate", _translate)
    params = {"text": "={{ $json.t }}", "translateTo": "de_DE", "options": {}}
    items = output(lx(fake_server, params, items=[{"json": {"t": "hello"}}, {"json": {"t": "bye"}}]))
    assert items == [
        {"json": {"err": None, "result": "hello@de_DE", "cacheUse": 0}, "pairedItem": {"item": 0}},
        {"json": {"err": None, "result": "bye@de_DE", "cacheUse": 0}, "pairedItem": {"item": 1}},
    ]
    assert fake_server.last().json == {"data": "bye", "to": "de_DE", "platform": "api"}


def test_lingvanex_options_are_merged_over_the_body(fake_server):
    fake_server.route("POST", "/translate", _translate)
    params = {"text": "<b>hi</b>", "translateTo": "it_IT",
              "options": {"from": "en_GB", "platform": "web", "translateMode": "html"}}
    items = output(lx(fake_server, params))
    assert items == [{"json": {"err": None, "result": "<b>hi</b>@it_IT", "cacheUse": 0}, "pairedItem": {"item": 0}}]
    assert fake_server.last().json == {"data": "<b>hi</b>", "to": "it_IT", "platform": "web", "from": "en_GB",
                                       "translateMode": "html"}


def test_lingvanex_err_in_answer_fails_the_node(fake_server):
    fake_server.route("POST", "/translate", _translate)
    err = error(lx(fake_server, {"text": "hi", "translateTo": "xx_XX"}))
    assert err["message"] == "Unsupported language xx_XX"
    # continue-on-fail: the node has no handling of its own; the engine passes the input on with the error
    run = lx(fake_server, {"text": "hi", "translateTo": "xx_XX"}, continue_on_fail=True, items=[{"json": {"a": 1}}])
    task = run.run_data["N"][-1]
    assert task["error"]["message"] == "Unsupported language xx_XX"
    assert task["data"]["main"][0] == [{"json": {"a": 1}, "pairedItem": {"item": 0}}]


def test_lingvanex_http_error_and_unsupported(fake_server):
    fake_server.route("POST", "/translate", (401, {}, {"err": "Invalid token", "result": None}))
    err = error(lx(fake_server, {"text": "hi", "translateTo": "de_DE"}))
    assert err["message"] == "Authorization failed - please check your credentials"
    assert err["description"] == "Invalid token"
    err = error(lx(fake_server, {"operation": "detect", "text": "hi"}))
    assert "not supported yet" in err["message"]


# -- WooCommerce ----------------------------------------------------------------------------------

WC = {"wooCommerceApi": {"consumerKey": "ck_1", "consumerSecret": "cs_1", "url": "https://shop.example",
                         "includeCredentialsInQuery": False}}
BASIC = "Basic Y2tfMTpjc18x"  # ck_1:cs_1


def wc(server, params, creds=None, **kw):
    return run_service("n8n-nodes-base.wooCommerce", 1, params, credentials=creds or WC,
                       base_urls={"woocommerce": server.url + "/wp-json/wc/v3"}, **kw)


def _checked(answer):
    def handler(req):
        assert req.headers["authorization"] == BASIC
        return answer(req) if callable(answer) else answer
    return handler


def test_woocommerce_product_create_defaults(fake_server):
    product = {"id": 7, "name": "n8n Sweatshirt", "regular_price": "30"}
    fake_server.route("POST", "/wp-json/wc/v3/products", _checked((201, {}, product)))
    params = {"name": "n8n Sweatshirt", "imagesUi": {"imagesValues": [{"src": "https://i/1.png", "alt": "a"}]},
              "dimensionsUi": {"dimensionsValues": {"height": "1", "width": "2"}},
              "metadataUi": {"metadataValues": []},
              "additionalFields": {"description": "Warm", "regularPrice": "30", "stockQuantity": 5,
                                   "categories": ["3", "9"], "tags": ["4"]}}
    items = output(wc(fake_server, params))
    assert items == [{"json": product, "pairedItem": {"item": 0}}]
    assert fake_server.last().json == {
        "name": "n8n Sweatshirt", "description": "Warm", "regular_price": "30", "stock_quantity": 5,
        "categories": [{"id": 3}, {"id": 9}], "tags": [{"id": 4}], "images": [{"src": "https://i/1.png", "alt": "a"}],
        "dimensions": {"height": "1", "width": "2"}, "meta_data": []}


def test_woocommerce_product_categories_must_be_a_list(fake_server):
    err = error(wc(fake_server, {"name": "x", "additionalFields": {"categories": "3"}}))
    assert err["message"] == "additionalFields.categories.map is not a function"
    assert fake_server.requests == []


def test_woocommerce_product_update_get_delete(fake_server):
    fake_server.route("PUT", "/wp-json/wc/v3/products/7", _checked((200, {}, {"id": 7, "stock_quantity": 100})))
    params = {"operation": "update", "productId": "7", "updateFields": {"stockQuantity": 100, "manageStock": True},
              "metadataUi": {"metadataValues": [{"key": "title", "value": "T"}]}}
    assert output(wc(fake_server, params)) == [{"json": {"id": 7, "stock_quantity": 100}, "pairedItem": {"item": 0}}]
    assert fake_server.last().json == {"stock_quantity": 100, "manage_stock": True,
                                       "meta_data": [{"key": "title", "value": "T"}]}
    fake_server.route("GET", "/wp-json/wc/v3/products/7", _checked((200, {}, {"id": 7})))
    assert output(wc(fake_server, {"operation": "get", "productId": "7"}))[0]["json"] == {"id": 7}
    fake_server.route("DELETE", "/wp-json/wc/v3/products/7", _checked((200, {}, {"id": 7, "status": "trash"})))
    assert output(wc(fake_server, {"operation": "delete", "productId": "7"}))[0]["json"]["status"] == "trash"
    assert fake_server.last().query == {"force": ["true"]}


def test_woocommerce_product_get_all_limit_and_options(fake_server):
    fake_server.route("GET", "/wp-json/wc/v3/products", _checked((200, {}, [{"id": 1}, {"id": 2}])))
    params = {"operation": "getAll", "limit": 2,
              "options": {"search": "shirt", "sku": "", "minPrice": "5", "stockStatus": "instock", "orderBy": "date"}}
    items = output(wc(fake_server, params))
    assert items == [{"json": {"id": 1}, "pairedItem": {"item": 0}}, {"json": {"id": 2}, "pairedItem": {"item": 0}}]
    # n8n sends minPrice as max_price
    assert fake_server.last().query == {"max_price": ["5"], "orderby": ["date"], "search": ["shirt"],
                                        "stock_status": ["instock"], "per_page": ["2"]}


def test_woocommerce_order_get_all_return_all_follows_links(fake_server):
    pages = [[{"id": 1}, {"id": 2}], [{"id": 3}]]

    def handler(req):
        assert req.headers["authorization"] == BASIC
        page = int(req.arg("page", "1"))
        assert req.arg("per_page") == "100" and req.arg("status") == "processing" and req.arg("customer") == "12"
        links = []
        if page > 1:
            links.append(f'<{fake_server.url}{req.path}?page=1&per_page=100>; rel="prev"')
        if page < len(pages):
            links.append(f'<{fake_server.url}{req.path}?page={page + 1}&per_page=100>; rel="next"')
        return 200, {"Link": ", ".join(links)}, pages[page - 1]

    fake_server.route("GET", "/wp-json/wc/v3/orders", handler)
    params = {"resource": "order", "operation": "getAll", "returnAll": True,
              "options": {"status": "processing", "customer": "12abc"}}
    items = output(wc(fake_server, params))
    assert [it["json"]["id"] for it in items] == [1, 2, 3]
    assert len(fake_server.requests) == 2


def test_woocommerce_return_all_without_link_header_fails_as_in_n8n(fake_server):
    fake_server.route("GET", "/wp-json/wc/v3/orders", (200, {}, [{"id": 1}]))
    err = error(wc(fake_server, {"resource": "order", "operation": "getAll", "returnAll": True}))
    assert err["message"] == "Cannot read properties of undefined (reading 'split')"


def test_woocommerce_customer_get_all_filters_shared_across_items(fake_server):
    fake_server.route("GET", "/wp-json/wc/v3/customers",
                      _checked(lambda req: (200, {}, [{"id": 5, "email": req.arg("email")}])))
    params = {"resource": "customer", "operation": "getAll", "limit": 1, "filters": {"email": "={{ $json.email }}"}}
    items = output(wc(fake_server, params, items=[{"json": {"email": "a@x.io"}}, {"json": {"email": "b@x.io"}}]))
    assert items == [{"json": {"id": 5, "email": "a@x.io"}, "pairedItem": {"item": 0}},
                     {"json": {"id": 5, "email": "b@x.io"}, "pairedItem": {"item": 1}}]
    assert fake_server.last().query == {"email": ["b@x.io"], "per_page": ["1"]}


def test_woocommerce_customer_create_update_delete_credentials_in_query(fake_server):
    creds = {"wooCommerceApi": {**WC["wooCommerceApi"], "includeCredentialsInQuery": True}}

    def answer(req):
        assert "authorization" not in req.headers
        assert req.arg("consumer_key") == "ck_1" and req.arg("consumer_secret") == "cs_1"
        return 201, {}, {"id": 9, **(req.json or {})}

    fake_server.route("POST", "/wp-json/wc/v3/customers", answer)
    params = {"resource": "customer", "email": "c@x.io",
              "additionalFields": {"first_name": "Cy", "meta_data": {"meta_data_fields": [{"key": "k", "value": "v"}]}}}
    items = output(wc(fake_server, params, creds))
    assert items == [{"json": {"id": 9, "email": "c@x.io", "first_name": "Cy", "meta_data": [{"key": "k", "value": "v"}]},
                      "pairedItem": {"item": 0}}]
    fake_server.route("PUT", "/wp-json/wc/v3/customers/9", answer)
    items = output(wc(fake_server, {"resource": "customer", "operation": "update", "customerId": "9",
                                    "updateFields": {"last_name": "Z"}}, creds))
    assert items[0]["json"] == {"id": 9, "last_name": "Z"}
    fake_server.route("DELETE", "/wp-json/wc/v3/customers/9", answer)
    output(wc(fake_server, {"resource": "customer", "operation": "delete", "customerId": "9"}, creds))
    assert fake_server.last().arg("force") == "true"


def test_woocommerce_order_create_snake_cases_collections(fake_server):
    fake_server.route("POST", "/wp-json/wc/v3/orders", _checked(lambda req: (201, {}, {"id": 3, **req.json})))
    params = {"resource": "order", "additionalFields": {"paymentMethodId": "bacs", "setPaid": True},
              "billingUi": {"billingValues": {"firstName": "A", "email": "a@x.io", "postcode": "1"}},
              "lineItemsUi": {"lineItemsValues": [{"productId": 7, "quantity": 2,
                                                   "metadataUi": {"metadataValues": [{"key": "k", "value": "v"}]}}]}}
    items = output(wc(fake_server, params))
    assert fake_server.last().json == {
        "payment_method_id": "bacs", "set_paid": True,
        "billing": {"email": "a@x.io", "postcode": "1", "first_name": "A"},
        "line_items": [{"quantity": 2, "meta_data": [{"key": "k", "value": "v"}], "product_id": 7}]}
    assert items[0]["json"]["id"] == 3


def test_woocommerce_order_update_get_delete(fake_server):
    fake_server.route("PUT", "/wp-json/wc/v3/orders/3", _checked(lambda req: (200, {}, {"id": 3, **req.json})))
    params = {"resource": "order", "operation": "update", "orderId": "3",
              "updateFields": {"status": "completed", "customerId": "12", "transactionID": "t1"}}
    assert output(wc(fake_server, params))[0]["json"] == {"id": 3, "customer_id": 12, "status": "completed",
                                                          "transaction_id": "t1"}
    fake_server.route("GET", "/wp-json/wc/v3/orders/3", _checked((200, {}, {"id": 3})))
    assert output(wc(fake_server, {"resource": "order", "operation": "get", "orderId": "3"}))[0]["json"] == {"id": 3}
    fake_server.route("DELETE", "/wp-json/wc/v3/orders/3", _checked((200, {}, {"id": 3})))
    output(wc(fake_server, {"resource": "order", "operation": "delete", "orderId": "3"}))
    assert fake_server.last().query == {"force": ["true"]}


def test_woocommerce_api_error_and_unsupported(fake_server):
    body = {"code": "woocommerce_rest_product_invalid_id", "message": "Invalid ID.", "data": {"status": 404}}
    fake_server.route("GET", "/wp-json/wc/v3/products/99", (404, {}, body))
    err = error(wc(fake_server, {"operation": "get", "productId": "99"}))
    assert err["message"] == "The resource you are requesting could not be found"
    assert err["description"] == "Invalid ID."
    run = wc(fake_server, {"operation": "get", "productId": "99"}, continue_on_fail=True, items=[{"json": {"a": 1}}])
    task = run.run_data["N"][-1]
    assert task["error"]["message"] == "The resource you are requesting could not be found"
    assert task["data"]["main"][0] == [{"json": {"a": 1}, "pairedItem": {"item": 0}}]
    err = error(wc(fake_server, {"resource": "coupon", "operation": "get"}))
    assert "not supported yet" in err["message"]
