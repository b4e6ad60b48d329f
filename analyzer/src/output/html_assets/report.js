(function(){'use strict';
var tb=document.querySelector('#findings tbody');
var rows=tb?Array.prototype.slice.call(tb.rows):[];
var fs=document.getElementById('f-sev'),fr=document.getElementById('f-rule'),fq=document.getElementById('f-q'),fc=document.getElementById('f-count');
var PG=500,page=0,pp=document.getElementById('f-prev'),pn=document.getElementById('f-next');
function apply(keep){var ms=fs?+fs.value:0,mr=fr?fr.value:'',q=fq?fq.value.toLowerCase():'',m=[];if(!keep)page=0;
 rows.forEach(function(r){var ok=+r.dataset.sev>=ms&&(!mr||r.dataset.rule===mr)&&(!q||r.textContent.toLowerCase().indexOf(q)>=0);
  if(ok)m.push(r);r.classList.add('hidden');});
 var np=Math.max(1,Math.ceil(m.length/PG));if(page>=np)page=np-1;
 m.slice(page*PG,page*PG+PG).forEach(function(r){r.classList.remove('hidden');});
 if(fc)fc.textContent=m.length+' of '+rows.length+' match'+(np>1?' \u00b7 page '+(page+1)+' of '+np:'');
 if(pp){pp.hidden=np<2;pp.disabled=page<1;}if(pn){pn.hidden=np<2;pn.disabled=page>=np-1;}}
if(pp)pp.addEventListener('click',function(){page--;apply(true);});
if(pn)pn.addEventListener('click',function(){page++;apply(true);});
[fs,fr,fq].forEach(function(e){if(e)e.addEventListener('input',function(){apply(false);});});
document.querySelectorAll('#findings th').forEach(function(th,ci){th.addEventListener('click',function(){
 var asc=!th.classList.contains('asc');document.querySelectorAll('#findings th').forEach(function(h){h.classList.remove('asc','desc');});
 th.classList.add(asc?'asc':'desc');var num=th.dataset.t==='n';
 rows.sort(function(a,b){var x=a.cells[ci].dataset.v||a.cells[ci].textContent,y=b.cells[ci].dataset.v||b.cells[ci].textContent;
  var c=num?(+x)-(+y):(x<y?-1:x>y?1:0);if(!c)c=(+a.dataset.id)-(+b.dataset.id);return asc?c:-c;});
 rows.forEach(function(r){tb.appendChild(r);});apply(true);});});
function openTarget(){var h=location.hash.slice(1);if(!h)return;
 if(h.indexOf('frame-')===0){var g=document.querySelector('g.arrow[data-frame="'+(+h.slice(6))+'"]');
  if(!g){var nm=document.getElementById('navmsg');if(nm)nm.textContent='frame '+(+h.slice(6))+' is not drawn in any call flow of this report';return;}
  var d=g.closest('details');if(d)d.open=true;show(g);g.scrollIntoView({block:'nearest'});return;}
 var e=document.getElementById(h);
 if(e&&e.classList.contains('finding')){if(fs)fs.value='0';if(fr)fr.value='';if(fq)fq.value='';
  page=Math.floor(rows.indexOf(e)/PG);apply(true);e.scrollIntoView({block:'nearest'});return;}
 while(e){if(e.tagName==='DETAILS')e.open=true;e=e.parentElement;}}
function show(g){var sec=g.closest('details');var v=sec.querySelector('.msgview');var t=document.getElementById('m-'+g.dataset.m);
 sec.querySelectorAll('g.arrow.sel').forEach(function(x){x.classList.remove('sel');});g.classList.add('sel');
 v.querySelector('.hd').textContent=g.dataset.info;var p=v.querySelector('pre');p.textContent='';
 if(t){p.appendChild(t.content?t.content.cloneNode(true):document.createTextNode(t.textContent));}else{p.textContent='(message text not kept: report limit)';}}
document.querySelectorAll('g.arrow').forEach(function(g){g.addEventListener('click',function(){show(g);});
 g.addEventListener('keydown',function(ev){if(ev.key==='Enter'||ev.key===' '){ev.preventDefault();show(g);}});});
window.addEventListener('hashchange',openTarget);openTarget();
apply(false);document.body.setAttribute('data-ready','1');})();
