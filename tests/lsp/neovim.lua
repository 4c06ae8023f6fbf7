-- Neovim's own LSP client attached to `pullcheck lsp`, headless: opens a manifest with
-- mistakes, waits for the diagnostics, applies the quick fix for the invalid pull policy and
-- writes what it saw to $RESULT as JSON. Run by tests/lsp.rs; written for Neovim 0.7 (Debian
-- 12), whose API (`start_client`, `buf_attach_client`) later versions keep.
local result = {}
local function finish(ok, err)
  result.ok = ok
  result.error = err and tostring(err) or nil
  vim.fn.writefile({ vim.fn.json_encode(result) }, vim.env.RESULT)
  vim.cmd(ok and 'qa!' or 'cquit! 1')
end

local function code_of(d)
  return d.code or (d.user_data and d.user_data.lsp and d.user_data.lsp.code)
end

local function codes(bufnr)
  local found = {}
  for _, d in ipairs(vim.diagnostic.get(bufnr)) do
    table.insert(found, { code = code_of(d), lnum = d.lnum, col = d.col, message = d.message })
  end
  table.sort(found, function(a, b) return a.lnum < b.lnum or (a.lnum == b.lnum and a.col < b.col) end)
  return found
end

local function has(bufnr, code)
  for _, d in ipairs(vim.diagnostic.get(bufnr)) do
    if code_of(d) == code then return true end
  end
  return false
end

local ok, err = pcall(function()
  vim.cmd('edit ' .. vim.fn.fnameescape(vim.env.MANIFEST))
  local bufnr = vim.api.nvim_get_current_buf()
  local client_id = vim.lsp.start_client({
    name = 'pullcheck',
    cmd = { vim.env.PULLCHECK, 'lsp' },
    root_dir = vim.env.WORKSPACE,
  })
  assert(client_id, 'the client did not start')
  vim.lsp.buf_attach_client(bufnr, client_id)
  assert(vim.wait(20000, function() return has(bufnr, 'invalid-pull-policy') end, 20),
    'no invalid-pull-policy diagnostic')
  result.before = codes(bufnr)

  local client = vim.lsp.get_client_by_id(client_id)
  local policy
  for _, d in ipairs(vim.diagnostic.get(bufnr)) do
    if code_of(d) == 'invalid-pull-policy' then policy = d end
  end
  local params = {
    textDocument = { uri = vim.uri_from_bufnr(bufnr) },
    range = {
      start = { line = policy.lnum, character = 0 },
      ['end'] = { line = policy.end_lnum or policy.lnum, character = 200 },
    },
    context = { diagnostics = vim.lsp.diagnostic.get_line_diagnostics(bufnr, policy.lnum) },
  }
  local response = client.request_sync('textDocument/codeAction', params, 10000, bufnr)
  assert(response and response.result, 'no code actions: ' .. vim.inspect(response))
  result.actions = {}
  local chosen
  for _, action in ipairs(response.result) do
    table.insert(result.actions, action.title)
    if action.kind == 'quickfix' and action.title:find('Always', 1, true) then chosen = action end
  end
  assert(chosen, 'no quick fix to Always among ' .. vim.inspect(result.actions))
  vim.lsp.util.apply_workspace_edit(chosen.edit, client.offset_encoding or 'utf-16')
  assert(vim.wait(20000, function() return not has(bufnr, 'invalid-pull-policy') end, 20),
    'the fix did not clear the diagnostic')
  result.after = codes(bufnr)
  result.lines = vim.api.nvim_buf_get_lines(bufnr, 0, -1, false)
end)
finish(ok, err)
