-- The peer fact sheet: pandoc builds it from an action file given as --metadata-file.
-- Used only by benchmarks/run.py (pandoc reads the YAML; its values are Markdown).
local function blocks(value)
  if value == nil then return {} end
  local kind = pandoc.utils.type and pandoc.utils.type(value) or value.t
  if kind == "Blocks" or kind == "MetaBlocks" then return value end
  if kind == "Inlines" or kind == "MetaInlines" then return { pandoc.Para(value) } end
  if kind == "List" or kind == "MetaList" then
    local items = {}
    for _, item in ipairs(value) do table.insert(items, blocks(item)) end
    return { pandoc.BulletList(items) }
  end
  return { pandoc.Para(pandoc.utils.stringify(value)) }
end

local function fact(out, label, value)
  table.insert(out, pandoc.Para({ pandoc.Strong(label) }))
  for _, b in ipairs(blocks(value)) do table.insert(out, b) end
end

function Pandoc(doc)
  local m = doc.meta
  local out = {}
  if m.regions then table.insert(out, pandoc.Para(pandoc.utils.stringify(m.regions))) end
  table.insert(out, pandoc.Header(1, m.title))
  fact(out, "Porteur du projet", m.lead)
  fact(out, "Partenaires principaux", m.partners)
  fact(out, "Localisation", m.locations)
  local b = m.beneficiaries or {}
  fact(out, "Bénéficiaires directs", b.direct)
  fact(out, "Bénéficiaires indirects", b.indirect)
  fact(out, "Durée", pandoc.utils.stringify(m.duration_months) .. " mois")
  fact(out, "Budget", pandoc.utils.stringify(m.funding.budget) .. " €")
  fact(out, "Subvention accordée", pandoc.utils.stringify(m.funding.granted) .. " €")
  table.insert(out, pandoc.Header(2, "Le projet"))
  for _, x in ipairs(blocks(m.project)) do table.insert(out, x) end
  table.insert(out, pandoc.Header(2, "Résultats attendus"))
  for _, x in ipairs(blocks(m.expected_results)) do table.insert(out, x) end
  table.insert(out, pandoc.Header(2, "Activités principales"))
  for _, x in ipairs(blocks(m.activities)) do table.insert(out, x) end
  return pandoc.Pandoc(out, pandoc.Meta({ title = m.title, lang = "fr-FR" }))
end
